// The built app in Debian's Chromium (headless, WebGL and WebGPU on SwiftShader), driven with playwright-core.
import '@tensorflow/tfjs-backend-cpu';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupBackend } from '@simclr/core';
import { loadSimCLRModel } from '@simclr/models';
import { fileSystem } from '@simclr/models/node';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@simclr/test-utils/node';
import * as tf from '@tensorflow/tfjs-core';
import { type Browser, chromium, type Download, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { weightsChecksum } from '../src/weights-checksum.js';
import { buildIfStale } from './build-app.js';
import { type StaticServer, serveStatic } from './static-server.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = join(APP_DIR, 'test-results');

/** 480 images in batches of 24 for one epoch: 20 steps (checkpoints every 10), paused after the 8th. */
const RUN = { images: 480, batch: 24, epochs: 1, steps: 20, pauseAfter: 8 };
/**
 * The data-parallel run on wasm: 480 images in batches of 24 (12 per worker) for one epoch, 20 steps,
 * with a pause and a resume.
 */
const WORKERS_RUN = { images: 480, batch: 24, epochs: 1, steps: 20, pauseAfter: 6, workers: 2 };
/**
 * The run on webgpu: 240 images in batches of 24 for one epoch, 10 steps (the loss compares steps 1–5
 * with 6–10), and a kNN check of 200 labelled training images voting for 100 test images (SwiftShader
 * takes about a minute for the default 1 000 and 500).
 */
const WEBGPU_RUN = { images: 240, batch: 24, epochs: 1, steps: 10, knn: { bank: 200, queries: 100 } };
/**
 * The timed run of the steps/s comparison, a smoke figure: webgl and webgpu run on SwiftShader, Chromium's
 * software GPU, here. The training's batch size, whose shaders are compiled already.
 */
const BENCH = { batch: RUN.batch, steps: 2 };

let server: StaticServer;
let browser: Browser;
let page: Page;

/** The `data-*` values of the element `selector`. */
function dataOf(selector: string): Promise<Record<string, string | undefined>> {
  return page.evaluate((s) => ({ ...(document.querySelector<HTMLElement>(s)?.dataset ?? {}) }), selector);
}

/**
 * Waits until `selector` matches, failing early with the page's message when a panel reports an
 * error (`data-error`).
 */
async function waitFor(selector: string, timeout: number): Promise<void> {
  await page.waitForFunction(
    (s) => document.querySelector(s) !== null || document.querySelector('[data-error]') !== null,
    selector,
    { timeout, polling: 200 },
  );
  const error = await page.evaluate(() => document.querySelector<HTMLElement>('[data-error]')?.dataset.error);
  if (error !== undefined) throw new Error(`the page reports: ${error}`);
}

/**
 * What the chart in `selector` draws: the points of each line mark (the curve and its moving average),
 * the reference rules, the texts of the marks, and the chart's `data-*` counters.
 */
async function chart(selector: string) {
  return page.evaluate((s) => {
    const root = document.querySelector<HTMLElement>(s)!;
    const svg = root.querySelector('svg');
    const all = (css: string) => [...(svg?.querySelectorAll(css) ?? [])];
    return {
      lines: all('g.mark-line.role-mark path').map(
        (p) => (p.getAttribute('d') ?? '').match(/[ML]/g)?.length ?? 0,
      ),
      rules: all('g.mark-rule.role-mark line').length,
      texts: all('g.mark-text.role-mark text').map((t) => t.textContent),
      title: all('g.role-title-text text')
        .map((t) => t.textContent)
        .join(' '),
      counters: { ...root.dataset },
    };
  }, selector);
}

async function openApp(): Promise<void> {
  await waitFor('body[data-ready="true"]', 60_000);
}

beforeAll(async () => {
  await buildIfStale(APP_DIR);
  server = await serveStatic(join(APP_DIR, 'dist'));
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(server.url);
  await openApp();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the browser app', () => {
  test('setupBackend("auto") picks webgl and the page shows it; webgpu is offered', async () => {
    expect((await dataOf('#backend-name')).backend).toBe('webgl');
    expect((await dataOf('#backend-select')).webgpuUnavailable).toBeUndefined();
    expect(await page.isEnabled('#backend-select option[value="webgpu"]')).toBe(true);
  });

  test('the page is cross-origin isolated, and on webgl it trains on the page thread only', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.isHidden('#train-workers-field')).toBe(true);
  });

  test('the explorer shows 8 pairs of views of a shipped image and of one the user picks', async () => {
    expect(await dataOf('#explorer')).toMatchObject({ pairs: '8', source: 'Colour picture (bundled)' });
    await page.selectOption('#explorer-source', { label: 'Fashion-MNIST: Trouser' });
    await waitFor('#explorer[data-source="Fashion-MNIST: Trouser"]', 10_000);
    const stripes = new Uint8Array(48 * 64 * 3).map((_, i) => (i % 3 === 0 ? 255 : (i * 7) % 256));
    await page.setInputFiles('#explorer-file', {
      name: 'stripes.png',
      mimeType: 'image/png',
      buffer: await sharp(stripes, { raw: { width: 64, height: 48, channels: 3 } })
        .png()
        .toBuffer(),
    });
    await waitFor('#explorer[data-source="Your image: stripes.png"]', 10_000);
    expect(await page.locator('#explorer-pairs canvas').count()).toBe(16);
    // Back to the landscape, which the screenshot shows.
    await page.selectOption('#explorer-source', { label: 'Colour picture (bundled)' });
    await waitFor('#explorer[data-source="Colour picture (bundled)"]', 10_000);
  }, 60_000);

  test('20 steps of pretrain with a pause and a resume: the loss falls, kNN beats chance', async ({
    annotate,
  }) => {
    await page.fill('#train-images', String(RUN.images));
    await page.fill('#train-batch', String(RUN.batch));
    await page.fill('#train-epochs', String(RUN.epochs));
    await page.click('#train-start');
    await page.waitForFunction(
      (n) => Number(document.querySelector<HTMLElement>('#train')!.dataset.step ?? 0) >= n,
      RUN.pauseAfter,
      { timeout: 90_000, polling: 200 },
    );
    await page.click('#train-pause');
    await waitFor('#train[data-state="paused"]', 30_000);
    const pausedAt = Number((await dataOf('#train')).step);
    expect(pausedAt).toBeGreaterThanOrEqual(RUN.pauseAfter);

    await page.click('#train-pause');
    await waitFor('#train[data-state="done"]', 150_000);
    const train = await dataOf('#train');
    expect(Number(train.totalSteps)).toBe(RUN.steps);
    expect(Number(train.step)).toBe(RUN.steps);
    // The second call of pretrain continued from the checkpoint the pause wrote.
    expect(Number(train.resumedFrom)).toBe(pausedAt);
    expect(Number(train.lossLast)).toBeLessThan(Number(train.lossFirst));
    expect(Number(train.knn)).toBeGreaterThan(0.2);
    expect(await page.textContent('#train-knn')).toContain(
      '1000 labelled training images vote for 500 test images',
    );

    // Both charts draw every step as a curve and its moving average, with the dashed reference line;
    // the steps reached the running Vega views as data updates, not as new embeds.
    await waitFor(`#loss-chart[data-points="${RUN.steps}"]`, 10_000);
    await waitFor(`#accuracy-chart[data-points="${RUN.steps}"]`, 10_000);
    const loss = await chart('#loss-chart');
    const accuracy = await chart('#accuracy-chart');
    for (const c of [loss, accuracy]) {
      expect(c.lines).toEqual([RUN.steps, RUN.steps]);
      expect(c.rules).toBe(1);
      expect(Number(c.counters.embeds)).toBeLessThanOrEqual(2);
      expect(Number(c.counters.updates)).toBeGreaterThan(0);
    }
    expect(loss.title).toBe('Training loss');
    expect(loss.texts).toEqual([
      `log(2N−1) = ${Math.log(2 * RUN.batch - 1).toFixed(2)}: views indistinguishable`,
    ]);
    expect(accuracy.title).toBe('Contrastive accuracy');
    expect(accuracy.texts).toEqual(['chance']);
    await annotate(
      `charts: ${loss.counters.updates} + ${accuracy.counters.updates} data updates for ${RUN.steps} steps, ` +
        `${loss.counters.updateMs} / ${accuracy.counters.updateMs} ms each (loss / accuracy, mean); ` +
        `an embed took ${loss.counters.embedMs} / ${accuracy.counters.embedMs} ms`,
    );
    await annotate(
      `loss ${Number(train.lossFirst).toFixed(3)} → ${Number(train.lossLast).toFixed(3)} (means of the first and last 5 steps), ` +
        `paused after step ${pausedAt}, kNN accuracy ${(Number(train.knn) * 100).toFixed(1)}%, ` +
        `weights checksum ${train.checksum}`,
    );
  }, 300_000);

  test('the downloaded weights load in Node with loadSimCLRModel', async () => {
    const downloads: Download[] = [];
    const both = new Promise<void>((resolve) => {
      page.on('download', (download) => {
        downloads.push(download);
        if (downloads.length === 2) resolve();
      });
    });
    await page.click('#train-download');
    await both;
    const dir = await mkdtemp(join(tmpdir(), 'simclr-browser-download-'));
    try {
      for (const download of downloads) {
        const name = download.suggestedFilename();
        // fileSystem(dir) reads model.json; the weights keep the name the manifest gives them.
        await download.saveAs(join(dir, name.endsWith('.json') ? 'model.json' : name));
      }
      expect(downloads.map((d) => d.suggestedFilename()).sort()).toEqual([
        'simclr-browser.json',
        'simclr-browser.weights.bin',
      ]);
      await setupBackend('cpu');
      const model = await loadSimCLRModel(fileSystem(dir));
      try {
        expect(await weightsChecksum(model)).toBeCloseTo(Number((await dataOf('#train')).checksum), 6);
        const h = tf.tidy(() => model.encode(tf.zeros([2, 28, 28, 1]) as tf.Tensor4D));
        expect(h.shape).toEqual([2, 64]);
        h.dispose();
      } finally {
        model.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test('the model saved to IndexedDB reloads after a page reload', async ({ annotate }) => {
    await page.click('#train-save');
    await waitFor('#train[data-saved]', 30_000);
    const { saved, knn } = await dataOf('#train');
    await page.reload();
    await openApp();
    expect((await dataOf('#backend-name')).backend).toBe('webgl');
    await waitFor('#train-load:not([disabled])', 10_000);
    await page.click('#train-load');
    await waitFor('#train[data-loaded-knn]', 60_000);
    const loaded = await dataOf('#train');
    expect(Number(loaded.loadedChecksum)).toBeCloseTo(Number(saved), 6);
    expect(Number(loaded.loadedKnn)).toBeCloseTo(Number(knn), 2);

    const screenshot = join(RESULTS_DIR, 'e2e-reloaded.png');
    await page.screenshot({ path: screenshot });
    await annotate('screenshot after the reload', { path: screenshot, contentType: 'image/png' });
  }, 120_000);

  test('10 steps of pretrain on webgpu: the loss falls, kNN beats chance', async ({ annotate }) => {
    await page.selectOption('#backend-select', 'webgpu');
    await waitFor('#backend-name[data-backend="webgpu"]', 30_000);
    expect(await page.isHidden('#train-workers-field')).toBe(true);
    await page.fill('#train-images', String(WEBGPU_RUN.images));
    await page.fill('#train-batch', String(WEBGPU_RUN.batch));
    await page.fill('#train-epochs', String(WEBGPU_RUN.epochs));
    await page.fill('#train-knn-bank', String(WEBGPU_RUN.knn.bank));
    await page.fill('#train-knn-queries', String(WEBGPU_RUN.knn.queries));
    await page.click('#train-start');
    // The panel is 'done' already, with the model loaded before: wait for this run to start.
    await waitFor(`#train[data-total-steps="${WEBGPU_RUN.steps}"]`, 30_000);
    // The first step compiles every shader (about half a minute on SwiftShader), as does the kNN check
    // at its batch size.
    await waitFor('#train[data-state="done"][data-knn]', 240_000);
    const train = await dataOf('#train');
    expect(Number(train.step)).toBe(WEBGPU_RUN.steps);
    expect(Number(train.lossLast)).toBeLessThan(Number(train.lossFirst));
    expect(Number(train.knn)).toBeGreaterThan(0.2);
    expect(await page.textContent('#train-knn')).toContain(
      `${WEBGPU_RUN.knn.bank} labelled training images vote for ${WEBGPU_RUN.knn.queries} test images`,
    );
    await waitFor(`#loss-chart[data-points="${WEBGPU_RUN.steps}"]`, 10_000);
    expect(await page.textContent('#train-status')).toBe(`trained ${WEBGPU_RUN.steps} steps on webgpu`);
    await annotate(
      `webgpu (SwiftShader): loss ${Number(train.lossFirst).toFixed(3)} → ${Number(train.lossLast).toFixed(3)} ` +
        `(means of the first and last 5 steps), kNN accuracy ${(Number(train.knn) * 100).toFixed(1)}%, ` +
        `${await page.textContent('#backend-renderer')}`,
    );
  }, 300_000);

  test('steps per second on webgpu, on webgl, on wasm and on wasm with a worker per core in the same page', async ({
    annotate,
  }) => {
    await page.fill('#bench-batch', String(BENCH.batch));
    await page.fill('#bench-steps', String(BENCH.steps));
    await page.click('#bench-start');
    await waitFor('#bench[data-done="true"]', 120_000);
    const bench = await dataOf('#bench');
    const webgpu = Number(bench.stepsPerSecondWebgpu);
    const webgl = Number(bench.stepsPerSecondWebgl);
    const wasm = Number(bench.stepsPerSecondWasm);
    const wasmWorkers = Number(bench.stepsPerSecondWasmWorkers);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    // A row that could not be measured says why (data-unavailable-<backend>).
    expect(webgpu, bench.unavailableWebgpu).toBeGreaterThan(0);
    expect(webgl, bench.unavailableWebgl).toBeGreaterThan(0);
    expect(wasm, bench.unavailableWasm).toBeGreaterThan(0);
    if (cores > 1) {
      expect(Number(bench.workers)).toBe(cores);
      expect(wasmWorkers, bench.unavailableWasmWorkers).toBeGreaterThan(0);
    }
    // The comparison restores the backend that was active: webgpu, from the run before.
    expect((await dataOf('#backend-name')).backend).toBe('webgpu');
    await annotate(
      `steps/s at batch ${BENCH.batch}, measured in the same page (webgpu and webgl on SwiftShader, a software GPU): ` +
        `webgpu ${webgpu.toFixed(2)}, webgl ${webgl.toFixed(2)}, wasm ${wasm.toFixed(2)}` +
        (cores > 1 ? `, wasm × ${cores} workers ${wasmWorkers.toFixed(2)}` : ''),
    );

    await mkdir(RESULTS_DIR, { recursive: true });
    const screenshot = join(RESULTS_DIR, 'e2e.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    await annotate('screenshot', { path: screenshot, contentType: 'image/png' });
  }, 180_000);

  test('on wasm with 2 workers, data-parallel with a pause and a resume: the loss falls, kNN beats chance', async ({
    annotate,
  }) => {
    await page.selectOption('#backend-select', 'wasm');
    await waitFor('#backend-name[data-backend="wasm"]', 30_000);
    await waitFor('#train-workers-field:not([hidden])', 10_000);
    // The default is one worker per core.
    expect(Number(await page.inputValue('#train-workers'))).toBe(
      await page.evaluate(() => navigator.hardwareConcurrency),
    );
    await page.fill('#train-workers', String(WORKERS_RUN.workers));
    await page.fill('#train-images', String(WORKERS_RUN.images));
    await page.fill('#train-batch', String(WORKERS_RUN.batch));
    await page.fill('#train-epochs', String(WORKERS_RUN.epochs));
    // The kNN check keeps the webgpu run's sizes.
    await page.click('#train-start');
    // The webgpu run before left its step count: wait for this run to start.
    await waitFor(`#train[data-total-steps="${WORKERS_RUN.steps}"]`, 30_000);
    await page.waitForFunction(
      (n) => Number(document.querySelector<HTMLElement>('#train')!.dataset.step ?? 0) >= n,
      WORKERS_RUN.pauseAfter,
      { timeout: 60_000, polling: 100 },
    );
    expect(await page.textContent('#train-status')).toContain(`on wasm × ${WORKERS_RUN.workers} workers`);
    await page.click('#train-pause');
    await waitFor('#train[data-state="paused"]', 30_000);
    const pausedAt = Number((await dataOf('#train')).step);
    expect(pausedAt).toBeGreaterThanOrEqual(WORKERS_RUN.pauseAfter);

    await page.click('#train-pause');
    await waitFor('#train[data-state="done"]', 90_000);
    const train = await dataOf('#train');
    expect(Number(train.workers)).toBe(WORKERS_RUN.workers);
    expect(Number(train.step)).toBe(WORKERS_RUN.steps);
    expect(Number(train.resumedFrom)).toBe(pausedAt);
    expect(Number(train.lossLast)).toBeLessThan(Number(train.lossFirst));
    expect(Number(train.knn)).toBeGreaterThan(0.1);
    await waitFor(`#loss-chart[data-points="${WORKERS_RUN.steps}"]`, 10_000);
    expect((await chart('#loss-chart')).lines).toEqual([WORKERS_RUN.steps, WORKERS_RUN.steps]);
    expect(await page.textContent('#train-status')).toBe(
      `trained ${WORKERS_RUN.steps} steps on wasm × ${WORKERS_RUN.workers} workers`,
    );
    await annotate(
      `wasm × ${WORKERS_RUN.workers} workers: loss ${Number(train.lossFirst).toFixed(3)} → ${Number(train.lossLast).toFixed(3)} ` +
        `(means of the first and last 5 steps), paused after step ${pausedAt}, ` +
        `kNN accuracy ${(Number(train.knn) * 100).toFixed(1)}%`,
    );
    const screenshot = join(RESULTS_DIR, 'e2e-workers.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    await annotate('screenshot after the data-parallel run', { path: screenshot, contentType: 'image/png' });
  }, 180_000);
});

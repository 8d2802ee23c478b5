import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRng, SimclrError } from '@simclr/core';
import { syntheticShapes } from '@simclr/data';
import { extractFeatures, linearEvaluate } from '@simclr/eval';
import type { ReportRun } from '@simclr/eval/report';
import { writeReport } from '@simclr/eval/report/node';
import { describeBackends } from '@simclr/test-utils';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@simclr/test-utils/node';
import * as tf from '@tensorflow/tfjs-core';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tinyEncoder } from './helpers/tiny-encoder.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'simclr-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeBackends('writeReport', ['cpu'], () => {
  it('writes report.html with every figure, and Chromium renders them all', async ({ annotate }) => {
    const dataset = await syntheticShapes({ size: 60, imageSize: 16, channels: 3, seed: 3 });
    const encoder = tinyEncoder([16, 16, 3], 1);
    const features = await extractFeatures(encoder, dataset);
    const linear = await linearEvaluate({ train: features, test: features });
    const { images, labels } = await dataset.get([0, 1, 2, 3]);
    const views: [tf.Tensor4D, tf.Tensor4D] = [tf.reverse(images, 2), tf.sub(1, images)];
    const rng = createRng(0);
    const run: ReportRun = {
      title: 'Synthetic shapes',
      config: { epochs: 3, batchSize: 32 },
      history: Array.from({ length: 90 }, (_, i) => ({
        step: i + 1,
        epoch: Math.floor(i / 30),
        loss: 3 * Math.exp(-i / 40) + 0.1 * rng.next(),
        lr: 0.1 * Math.min(1, (i + 1) / 30),
        contrastiveAccuracy: i / 90,
        imagesPerSecond: 120,
      })),
      knnHistory: [0, 1, 2].map((epoch) => ({ epoch, top1: 0.3 + epoch / 10, top5: 0.9 })),
      results: [{ representation: 'tiny CNN, random init', linearTop1: linear.top1 }],
      augmentations: { originals: images, views },
      embeddings: features,
      confusion: linear.confusion,
      classNames: dataset.classNames!,
    };
    const out = join(dir, 'full');
    const written = await writeReport(out, run, { umap: { nEpochs: 100 } });
    tf.dispose([features.features, images, labels!, ...views]);
    encoder.dispose();

    const charts = ['loss', 'learning-rate', 'contrastive-accuracy', 'knn', 'embedding', 'confusion'];
    const expected = ['report.html', 'augmentations.png', ...charts.flatMap((c) => [`${c}.svg`, `${c}.png`])];
    expect((await readdir(out)).sort()).toEqual(expected.sort());
    expect(written.files.map((f) => f.slice(out.length + 1)).sort()).toEqual(expected.sort());
    expect(written.html).toBe(join(out, 'report.html'));
    // Four rows of three 96-pixel cells with 6-pixel gaps.
    expect(await sharp(join(out, 'augmentations.png')).metadata()).toMatchObject({ width: 312, height: 414 });
    const lossPng = await sharp(join(out, 'loss.png')).metadata();
    expect(lossPng.width).toBeGreaterThan(1000);

    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(written.html).href, { waitUntil: 'load' });
      const figures = await page.evaluate(() =>
        [...document.querySelectorAll('img, svg')].map((el) =>
          el instanceof HTMLImageElement
            ? {
                src: el.getAttribute('src'),
                complete: el.complete,
                width: el.naturalWidth,
                height: el.naturalHeight,
              }
            : { src: 'inline svg', complete: true, width: el.clientWidth, height: el.clientHeight },
        ),
      );
      expect(figures.map((f) => f.src)).toEqual(['augmentations.png', ...charts.map((c) => `${c}.svg`)]);
      for (const f of figures) {
        expect(f.complete, f.src!).toBe(true);
        expect(f.width, f.src!).toBeGreaterThan(0);
        expect(f.height, f.src!).toBeGreaterThan(0);
      }
      const screenshot = join(dir, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect((await sharp(screenshot).metadata()).height).toBeGreaterThan(900);
      await annotate('the rendered report', { path: screenshot, contentType: 'image/png' });
    } finally {
      await browser.close();
    }
    const html = await readFile(written.html, 'utf8');
    expect(html).toContain('<h1>Synthetic shapes</h1>');
  });

  it('writes only SVGs with png: false and rejects a bad directory', async () => {
    const out = join(dir, 'svg-only');
    const run: ReportRun = { title: 'curves', history: [{ step: 1, epoch: 0, loss: 2, lr: 0.1 }] };
    await writeReport(out, run, { png: false });
    expect((await readdir(out)).sort()).toEqual(['learning-rate.svg', 'loss.svg', 'report.html']);
    await expect(writeReport('', run)).rejects.toThrow(SimclrError);
    await expect(writeReport('', run)).rejects.toThrow('dir must be a non-empty path, got ""');
    await expect(writeReport(out, { ...run, history: 'x' as never })).rejects.toThrow(
      'history must be an array, got "x"',
    );
  });
});

import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalRecord } from '../src/eval-record.js';
import { runCli } from './run-cli.js';

const PRETRAIN = [
  'pretrain',
  '--dataset=synthetic',
  '--limit=128',
  '--image-size=16',
  '--batch-size=32',
  '--epochs=1',
  '--backend=wasm',
  '--quiet',
];

async function readRecord(path: string): Promise<EvalRecord> {
  return JSON.parse(await readFile(path, 'utf8')) as EvalRecord;
}

function expectFraction(value: unknown): void {
  expect(typeof value).toBe('number');
  expect(value).toBeGreaterThanOrEqual(0);
  expect(value).toBeLessThanOrEqual(1);
}

describe('simclr eval', () => {
  let tmp = '';
  let run = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'simclr-eval-'));
    run = join(tmp, 'run');
    const pretrained = await runCli(...PRETRAIN, `--out=${run}`);
    expect(pretrained.code, pretrained.err).toBe(0);
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('knn --json prints the record it writes, and honours --k, --temperature and the split limits', async () => {
    const { code, out, err } = await runCli(
      'eval',
      'knn',
      '-c',
      run,
      '--json',
      '--k=5',
      '--temperature=0.2',
      '--train-limit=64',
      '--test-limit=32',
      '--quiet',
    );
    expect(code, err).toBe(0);
    expect(err).toBe('');
    const printed = JSON.parse(out) as EvalRecord;
    expect(printed).toEqual(await readRecord(join(run, 'eval-knn.json')));
    expect(printed.settings).toMatchObject({ k: 5, temperature: 0.2 });
    expect(printed.dataset).toMatchObject({ train: 64, test: 32 });
  });

  it('knn on a run directory takes the dataset from its config, prints a table and writes eval-knn.json', async () => {
    const { code, out, err } = await runCli('eval', 'knn', '--checkpoint', run, '--backend=wasm');
    expect(code, err).toBe(0);
    expect(out).toMatch(/evaluation\s+kNN \(k 128, all train images, temperature 0\.1\)/);
    expect(out).toMatch(/data\s+synthetic: 128 train, 128 test images, 16×16×3, 5 classes/);
    expect(out).toMatch(/top-1\s+\d+\.\d%/);
    expect(out).toMatch(/top-5\s+\d+\.\d%/);
    const record = await readRecord(join(run, 'eval-knn.json'));
    expect(record).toMatchObject({
      kind: 'knn',
      model: { dir: join(run, 'model'), from: 'run', step: 4, architecture: 'small-cnn' },
      dataset: { name: 'synthetic', train: 128, test: 128, imageShape: [16, 16, 3], numClasses: 5 },
      settings: { k: 128, temperature: 0.1 },
    });
    expectFraction(record.result.top1);
    expectFraction(record.result.top5);
    expect(record.result.top5).toBeGreaterThanOrEqual(record.result.top1);
  });

  it('--workers 2 encodes the splits and searches the neighbours on two worker threads, with the same result', async () => {
    // 128 images in batches of 24: 6 batches, 3 per worker, the last one short.
    const args = ['eval', 'knn', '-c', run, '--k=10', '--batch-size=24', '--json'];
    const single = await runCli(...args, '-q');
    expect(single.code, single.err).toBe(0);
    const parallel = await runCli(...args, '--workers', '2');
    expect(parallel.code, parallel.err).toBe(0);
    expect(parallel.err).toMatch(/backend \w+, 2 worker threads\n/);
    const record = (r: { out: string }) => JSON.parse(r.out) as EvalRecord;
    expect(record(parallel).result).toEqual(record(single).result);

    const linearArgs = ['eval', 'linear', '-c', run, '--max-iterations=5', '-b', '24', '--json', '-q'];
    const linear = await runCli(...linearArgs);
    const linearParallel = await runCli(...linearArgs, '--workers=2');
    expect(linearParallel.code, linearParallel.err).toBe(0);
    expect(record(linearParallel).result).toEqual(record(linear).result);
  });

  it('linear reports test and train top-1, iterations and convergence', async () => {
    const { code, out, err } = await runCli('eval', 'linear', '--checkpoint', run, '--quiet');
    expect(code, err).toBe(0);
    expect(out).toMatch(/train top-1\s+\d+\.\d%/);
    expect(out).toMatch(
      /iterations\s+\d+ \((converged|not converged: raise --max-iterations|stopped where no step lowers the loss further)\), loss \d/,
    );
    const { result, settings } = await readRecord(join(run, 'eval-linear.json'));
    expectFraction(result.top1);
    expectFraction(result.top5);
    expectFraction(result['trainTop1']);
    expect(Number.isInteger(result['iterations'])).toBe(true);
    expect(typeof result['converged']).toBe('boolean');
    expect(settings['l2']).toBeCloseTo(1 / 128, 12);
    const confusion = result['confusion'] as number[][];
    expect(confusion).toHaveLength(5);
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(128);
  });

  it('linear --l2 and --max-iterations reach linearEvaluate', async () => {
    const { code, err } = await runCli('eval', 'linear', '-c', run, '--l2=0.5', '--max-iterations=3', '-q');
    expect(code, err).toBe(0);
    const { result, settings } = await readRecord(join(run, 'eval-linear.json'));
    expect(settings).toMatchObject({ l2: 0.5, maxIterations: 3 });
    expect(result['iterations']).toBeLessThanOrEqual(3);
  });

  it('finetune on 10% of the labels for one epoch', async () => {
    const { code, out, err } = await runCli(
      'eval',
      'finetune',
      '--checkpoint',
      run,
      '--label-fraction=0.1',
      '--epochs=1',
      '--batch-size=16',
    );
    expect(code, err).toBe(0);
    expect(err).toMatch(/epoch 1: loss \d/);
    // Math.round(0.1 × 26) + Math.round(0.1 × 25) × … : 3 labels of each of the 5 classes.
    expect(out).toMatch(/labels\s+15 of 128 train images/);
    const { result, settings } = await readRecord(join(run, 'eval-finetune.json'));
    expect(settings).toMatchObject({ labelFraction: 0.1, epochs: 1, batchSize: 16 });
    expectFraction(result.top1);
    expectFraction(result.top5);
  });

  it('finetune with --report draws the same subset and reaches the same scores as without', async () => {
    const without = await readRecord(join(run, 'eval-finetune.json'));
    const { code, out, err } = await runCli(
      'eval',
      'finetune',
      '-c',
      run,
      '--label-fraction=0.1',
      '--epochs=1',
      '--batch-size=16',
      '--report',
      '--json',
      '-q',
    );
    expect(code, err).toBe(0);
    const withReport = JSON.parse(out) as EvalRecord & { report: string };
    expect(withReport.result).toEqual(without.result);
    expect(existsSync(withReport.report)).toBe(true);
  });

  // After knn, linear and finetune ran on the same weights and splits, so their results share one row.
  it('--report writes report.html whose figures all exist, with the results of every kind run so far', async () => {
    const before = tf.memory().numTensors;
    const { code, out, err } = await runCli('eval', 'linear', '--checkpoint', run, '--report', '-q');
    expect(code, err).toBe(0);
    expect(tf.memory().numTensors, 'tensors left behind').toBe(before);
    const html = await readFile(join(run, 'report', 'report.html'), 'utf8');
    expect(out).toContain(join(run, 'report', 'report.html'));
    const figures = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
    expect(figures).toEqual(
      expect.arrayContaining([
        'augmentations.png',
        'loss.svg',
        'learning-rate.svg',
        'embedding.svg',
        'confusion.svg',
      ]),
    );
    for (const file of figures) expect(existsSync(join(run, 'report', file)), file).toBe(true);
    expect(html).toContain('kNN top-1');
    expect(html).toContain('linear top-1');
    expect(html).toContain('fine-tuned, 10% labels, top-1');
  });

  it('takes a checkpoint directory, and a run without model/ by its newest valid checkpoint', async () => {
    const checkpoint = join(run, 'checkpoints', 'ckpt-000000004');
    const direct = await runCli('eval', 'knn', '-c', checkpoint, '--json', '-q');
    expect(direct.code, direct.err).toBe(0);
    expect((JSON.parse(direct.out) as EvalRecord).model).toMatchObject({
      dir: join(checkpoint, 'model'),
      from: 'checkpoint',
      step: 4,
      architecture: 'small-cnn',
    });

    const unfinished = join(tmp, 'unfinished');
    await cp(run, unfinished, { recursive: true });
    await rm(join(unfinished, 'model'), { recursive: true });
    const fallback = await runCli('eval', 'knn', '-c', unfinished, '--json', '-q');
    expect(fallback.code, fallback.err).toBe(0);
    expect((JSON.parse(fallback.out) as EvalRecord).model).toMatchObject({
      dir: join(unfinished, 'checkpoints', 'ckpt-000000004', 'model'),
      from: 'checkpoint',
      step: 4,
    });
  });

  it('takes a bare model directory given the dataset, whose image size it reads from the model', async () => {
    const bare = join(tmp, 'bare-model');
    await cp(join(run, 'model'), bare, { recursive: true });
    const missing = await runCli('eval', 'knn', '-c', bare, '-q');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--dataset is required');
    const { code, out, err } = await runCli(
      'eval',
      'knn',
      '-c',
      bare,
      '--dataset=synthetic',
      '--limit=64',
      '--json',
    );
    expect(code, err).toBe(0);
    expect(JSON.parse(out) as EvalRecord).toMatchObject({
      model: { from: 'model', step: null, architecture: null },
      dataset: { name: 'synthetic', train: 64, test: 64, imageShape: [16, 16, 3] },
    });
    expect(existsSync(join(bare, 'eval-knn.json'))).toBe(true);
  });

  it('evaluates on an image folder: train/ with test/ beside it, limits spread over the classes', async () => {
    const photos = join(tmp, 'photos');
    const colours = { dark: { r: 20, g: 30, b: 40 }, light: { r: 230, g: 220, b: 200 } };
    for (const split of ['train', 'test']) {
      for (const [name, background] of Object.entries(colours)) {
        await mkdir(join(photos, split, name), { recursive: true });
        for (let i = 0; i < 5; i++) {
          await sharp({ create: { width: 20, height: 20, channels: 3, background } })
            .png()
            .toFile(join(photos, split, name, `${i}.png`));
        }
      }
    }
    const model = join(tmp, 'folder-model');
    await cp(join(run, 'model'), model, { recursive: true });
    const { code, out, err } = await runCli(
      'eval',
      'linear',
      '-c',
      model,
      '--dataset=image-folder',
      `--data=${join(photos, 'train')}`,
      '--test-limit=4',
      '--json',
      '-q',
    );
    expect(code, err).toBe(0);
    const record = JSON.parse(out) as EvalRecord;
    expect(record.dataset).toMatchObject({ train: 10, test: 4, imageShape: [16, 16, 3], numClasses: 2 });
    // Rows of the confusion matrix are the true classes: both are among the 4 test images.
    expect((record.result['confusion'] as number[][]).map((row) => row.reduce((a, b) => a + b, 0))).toEqual([
      2, 2,
    ]);
    const flat = await runCli(
      'eval',
      'knn',
      '-c',
      model,
      '--dataset=image-folder',
      `--data=${join(photos, 'train', 'dark')}`,
    );
    expect(flat.code).toBe(2);
    expect(flat.err).toContain('must hold train/ and test/ (or val/)');
  });

  describe('usage errors (exit 2) and failures (exit 1) say how to fix the call', () => {
    it('an unknown evaluation names the allowed ones', async () => {
      const { code, err } = await runCli('eval', 'svm', '--checkpoint', run);
      expect(code).toBe(2);
      expect(err).toContain('simclr eval: unknown evaluation "svm"; use one of knn, linear, finetune');
    });

    it('no evaluation at all', async () => {
      const { code, err } = await runCli('eval', '--checkpoint', run);
      expect(code).toBe(2);
      expect(err).toContain('simclr eval <knn|linear|finetune>');
    });

    it('a missing --checkpoint', async () => {
      const { code, err } = await runCli('eval', 'knn');
      expect(code).toBe(2);
      expect(err).toMatch(/^simclr eval knn: --checkpoint DIR or --weights FILE is required/);
    });

    it('a --checkpoint that does not exist', async () => {
      const { code, err } = await runCli('eval', 'linear', '--checkpoint', join(tmp, 'nowhere'));
      expect(code).toBe(2);
      expect(err).toContain(`--checkpoint ${join(tmp, 'nowhere')} does not exist`);
    });

    it('a directory with no model', async () => {
      const empty = join(tmp, 'empty');
      await mkdir(empty);
      const { code, err } = await runCli('eval', 'knn', '--checkpoint', empty);
      expect(code).toBe(1);
      expect(err).toContain(`--checkpoint ${empty} holds no model: expected model.json`);
    });

    it('a checkpoint whose model is missing, and a run whose only checkpoint is damaged', async () => {
      const broken = join(tmp, 'broken');
      await cp(run, broken, { recursive: true });
      await rm(join(broken, 'model'), { recursive: true });
      const checkpoint = join(broken, 'checkpoints', 'ckpt-000000004');
      await rm(join(checkpoint, 'model', 'weights.bin'));
      const direct = await runCli('eval', 'knn', '--checkpoint', checkpoint);
      expect(direct.code).toBe(1);
      expect(direct.err).toContain(`--checkpoint ${checkpoint} is a damaged checkpoint`);
      expect(direct.err).toContain('weights.bin is missing');
      const viaRun = await runCli('eval', 'knn', '--checkpoint', broken);
      expect(viaRun.code).toBe(1);
      expect(viaRun.err).toMatch(
        new RegExp(
          `--checkpoint ${broken} holds no usable model: no checkpoint in .*checkpoints is intact \\(.*ckpt-000000004: .*weights\\.bin is missing`,
        ),
      );
    });

    it('a label fraction that is not one of the paper’s, or too small for the data', async () => {
      const other = await runCli('eval', 'finetune', '-c', run, '--label-fraction=0.5');
      expect(other.code).toBe(2);
      expect(other.err).toContain('--label-fraction must be 0.01, 0.1 or 1');
      const tiny = await runCli('eval', 'finetune', '-c', run, '--label-fraction=0.01');
      expect(tiny.code).toBe(2);
      expect(tiny.err).toContain('--label-fraction 0.01 leaves no label for the smallest class');
    });

    // Data of another image size is resized to the model's input (eval-transfer.node.test.ts).
    it('a k larger than the train split', async () => {
      const k = await runCli('eval', 'knn', '-c', run, '--k=500', '-q');
      expect(k.code).toBe(2);
      expect(k.err).toContain("--k must be at most the train split's size (128), got 500");
    });

    it('a --workers that is neither a positive integer nor auto', async () => {
      for (const value of ['0', 'two', '1.5']) {
        const { code, err } = await runCli('eval', 'knn', '-c', run, `--workers=${value}`);
        expect(code).toBe(2);
        expect(err).toContain(`--workers must be an integer >= 1 or "auto", got "${value}"`);
      }
    });

    it('an unknown flag, and a bad dataset name', async () => {
      const flag = await runCli('eval', 'linear', '-c', run, '--lr=1');
      expect(flag.code).toBe(2);
      expect(flag.err).toContain("Unknown option '--lr'; see 'simclr eval linear --help'");
      const dataset = await runCli('eval', 'linear', '-c', run, '--dataset=imagenet');
      expect(dataset.code).toBe(2);
      expect(dataset.err).toContain('--dataset must be one of fashion-mnist');
    });
  });

  it('--help of eval and of each evaluation', async () => {
    const overview = await runCli('eval', '--help');
    expect(overview.code).toBe(0);
    for (const kind of ['knn', 'linear', 'finetune']) expect(overview.out).toContain(`  ${kind} `);
    const knn = await runCli('eval', 'knn', '--help');
    expect(knn.out).toMatch(/--k N\s+neighbours that vote/);
    expect(knn.out).toMatch(/--workers N\|auto\s+worker threads that encode images/);
    expect(overview.out).toContain('--workers N|auto splits the encoding');
    const finetune = await runCli('eval', 'finetune', '-h');
    expect(finetune.out).toMatch(/--label-fraction F\s+labels used: 0\.01 \| 0\.1 \| 1/);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, SimclrError, setupBackend } from '@simclr/core';
import { adaptImages } from '@simclr/data';
import { cifar10 } from '@simclr/data/node';
import { extractFeatures, KNN_DEFAULTS, knnEvaluate } from '@simclr/eval';
import {
  exportStateDict,
  loadSimCLRModel,
  projectionHead,
  resnet,
  SimCLRModel,
  writeSafetensors,
} from '@simclr/models';
import { fileSystem } from '@simclr/models/node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalRecord } from '../src/eval-record.js';
import { planTransfer } from '../src/transfer.js';
import { runCli } from './run-cli.js';

/** The Fashion-MNIST subset shipped with the quickstart, in the publisher's IDX files. */
const FASHION_MNIST = fileURLToPath(new URL('../../../examples/quickstart/data', import.meta.url));

const TINY_PRETRAIN = ['--limit=128', '--batch-size=32', '--epochs=1', '--backend=wasm', '--quiet'];

/** CIFAR-10's binary records: a label byte, then the red, green and blue 32×32 planes. */
function cifarFile(count: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(count * 3073);
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    bytes[i * 3073] = label;
    // Noise, with a bright band whose row depends on the class, so that the classes differ.
    for (let p = 0; p < 3072; p++) {
      const row = Math.floor((p % 1024) / 32);
      bytes[i * 3073 + 1 + p] = Math.abs(row - 3 * label) < 2 ? 200 + (next() >> 2) : next() >> 1;
    }
  }
  return bytes;
}

function transferLine(err: string): string | undefined {
  return err.split('\n').find((line) => line.startsWith('transfer: '));
}

describe('simclr eval on data of another image size or channel count (transfer)', () => {
  let tmp = '';
  /** Pretrained on Fashion-MNIST: 28×28×1. */
  let fashion = '';
  /** Pretrained on synthetic shapes: 16×16×3. */
  let shapes = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'simclr-transfer-'));
    fashion = join(tmp, 'fashion');
    shapes = join(tmp, 'shapes');
    const a = await runCli(
      'pretrain',
      '--dataset=fashion-mnist',
      `--data=${FASHION_MNIST}`,
      ...TINY_PRETRAIN,
      `--out=${fashion}`,
    );
    expect(a.code, a.err).toBe(0);
    const b = await runCli(
      'pretrain',
      '--dataset=synthetic',
      '--image-size=16',
      ...TINY_PRETRAIN,
      `--out=${shapes}`,
    );
    expect(b.code, b.err).toBe(0);
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('a Fashion-MNIST model on CIFAR-10: every image made grey and 28×28, the kNN result of the adapted data', async () => {
    const dir = join(tmp, 'cifar-10-batches-bin');
    await mkdir(dir);
    for (let i = 1; i <= 5; i++) await writeFile(join(dir, `data_batch_${i}.bin`), cifarFile(8, i));
    await writeFile(join(dir, 'test_batch.bin'), cifarFile(20, 99));
    const args = [
      'eval',
      'knn',
      '-c',
      fashion,
      '--dataset=cifar10',
      `--data=${dir}`,
      '--k=10',
      '--backend=wasm',
    ];
    const { code, out, err } = await runCli(...args, '--json');
    expect(code, err).toBe(0);
    expect(transferLine(err)).toBe(
      'transfer: cifar10 32×32×3 → model input 28×28×1 (bilinear resize with antialiasing, ITU-R 601-2 grey)',
    );
    const record = JSON.parse(out) as EvalRecord;
    expect(record.dataset).toEqual({
      name: 'cifar10',
      train: 40,
      test: 20,
      imageShape: [32, 32, 3],
      numClasses: 10,
      transfer: {
        modelInput: [28, 28, 1],
        conversion: 'bilinear resize with antialiasing, ITU-R 601-2 grey',
      },
    });

    // The same evaluation through the library: adaptImages, extractFeatures, knnEvaluate.
    await setupBackend('wasm');
    const model = await loadSimCLRModel(fileSystem(join(fashion, 'model')));
    const target = { size: [28, 28] as const, channels: 1 as const };
    const train = await extractFeatures(model, adaptImages(await cifar10({ dir, split: 'train' }), target));
    const test = await extractFeatures(model, adaptImages(await cifar10({ dir, split: 'test' }), target));
    const expected = await knnEvaluate({
      trainFeatures: train.features,
      trainLabels: train.labels,
      testFeatures: test.features,
      testLabels: test.labels,
      k: 10,
      temperature: KNN_DEFAULTS.temperature,
      numClasses: 10,
    });
    model.dispose();
    train.features.dispose();
    test.features.dispose();
    expect(record.result).toEqual({ top1: expected.top1, top5: expected.top5 });

    // --quiet leaves the line out; the table's data row still says what the model saw.
    const quiet = await runCli(...args, '--quiet');
    expect(quiet.code, quiet.err).toBe(0);
    expect(quiet.err).toBe('');
    expect(quiet.out).toMatch(/data\s+cifar10: 40 train, 20 test images, 32×32×3 → 28×28×1, 10 classes/);
  });

  it('a Fashion-MNIST model on an image folder of RGB photos of another size', async () => {
    const photos = join(tmp, 'photos');
    const colours = { dark: { r: 20, g: 90, b: 40 }, light: { r: 230, g: 120, b: 200 } };
    for (const split of ['train', 'test']) {
      for (const [name, background] of Object.entries(colours)) {
        await mkdir(join(photos, split, name), { recursive: true });
        for (let i = 0; i < 4; i++) {
          await sharp({ create: { width: 40 + 3 * i, height: 36, channels: 3, background } })
            .png()
            .toFile(join(photos, split, name, `${i}.png`));
        }
      }
    }
    const folder = ['-c', fashion, '--dataset=image-folder', `--data=${photos}`, '--json'];
    // Read at 40×40 by the loader, then resized and made grey for the model.
    const sized = await runCli('eval', 'linear', ...folder, '--image-size=40', '--max-iterations=5');
    expect(sized.code, sized.err).toBe(0);
    expect(transferLine(sized.err)).toBe(
      'transfer: image-folder 40×40×3 → model input 28×28×1 (bilinear resize with antialiasing, ITU-R 601-2 grey)',
    );
    expect((JSON.parse(sized.out) as EvalRecord).dataset).toMatchObject({
      train: 8,
      test: 8,
      imageShape: [40, 40, 3],
      numClasses: 2,
    });
    // By default the loader reads the photos at the model's side already: only the colour is converted.
    const side = await runCli('eval', 'knn', ...folder);
    expect(side.code, side.err).toBe(0);
    expect(transferLine(side.err)).toBe(
      'transfer: image-folder 28×28×3 → model input 28×28×1 (ITU-R 601-2 grey)',
    );
  });

  it('a 16×16 RGB model on Fashion-MNIST: 28 → 16 pixels, grey repeated to RGB; fine-tuning sees the model’s shape', async () => {
    const data = ['-c', shapes, '--dataset=fashion-mnist', `--data=${FASHION_MNIST}`, '--limit=100'];
    const knn = await runCli('eval', 'knn', ...data, '--backend=wasm', '--json');
    expect(knn.code, knn.err).toBe(0);
    expect(transferLine(knn.err)).toBe(
      'transfer: fashion-mnist 28×28×1 → model input 16×16×3 (bilinear resize with antialiasing, grey repeated to RGB)',
    );
    const record = JSON.parse(knn.out) as EvalRecord;
    expect(record.dataset).toMatchObject({ imageShape: [28, 28, 1], transfer: { modelInput: [16, 16, 3] } });
    // The converted images keep what tells the 10 classes apart: the vote beats chance (10%).
    expect(record.result.top1).toBeGreaterThan(0.1);

    const finetune = await runCli(
      'eval',
      'finetune',
      ...data,
      '--label-fraction=1',
      '--epochs=1',
      '--batch-size=25',
      '--backend=wasm',
      '--quiet',
    );
    expect(finetune.code, finetune.err).toBe(0);
    expect(finetune.out).toMatch(
      /data\s+fashion-mnist: 100 train, 100 test images, 28×28×1 → 16×16×3, 10 classes/,
    );
  });

  it('PyTorch weights of an RGB ResNet on Fashion-MNIST: built for 28×28, the grey channel repeated', async () => {
    await setupBackend('cpu');
    const rng = createRng(5);
    const encoder = resnet({ depth: 18, stem: 'cifar', widthMultiplier: 0.25, inputShape: [32, 32, 3], rng });
    const model = new SimCLRModel({ encoder, head: projectionHead({ inputDim: 128, rng }) });
    const weights = join(tmp, 'resnet18.safetensors');
    await writeFile(weights, writeSafetensors(exportStateDict(model)));
    model.dispose();
    const { code, out, err } = await runCli(
      'eval',
      'knn',
      `--weights=${weights}`,
      '--dataset=fashion-mnist',
      `--data=${FASHION_MNIST}`,
      '--limit=32',
      '--backend=wasm',
      '--json',
    );
    expect(code, err).toBe(0);
    expect(transferLine(err)).toBe(
      'transfer: fashion-mnist 28×28×1 → model input 28×28×3 (grey repeated to RGB)',
    );
    expect((JSON.parse(out) as EvalRecord).dataset.transfer).toEqual({
      modelInput: [28, 28, 3],
      conversion: 'grey repeated to RGB',
    });
  });

  it('synthetic images of another size than the pretraining ones are resized (up and down)', async () => {
    const bigger = await runCli('eval', 'knn', '-c', shapes, '--image-size=24', '--limit=32', '--json');
    expect(bigger.code, bigger.err).toBe(0);
    expect(transferLine(bigger.err)).toBe(
      'transfer: synthetic 24×24×3 → model input 16×16×3 (bilinear resize with antialiasing)',
    );
    const smaller = await runCli('eval', 'knn', '-c', shapes, '--image-size=8', '--limit=32', '--json');
    expect(smaller.code, smaller.err).toBe(0);
    expect(transferLine(smaller.err)).toBe(
      'transfer: synthetic 8×8×3 → model input 16×16×3 (bilinear resize)',
    );
    // The dataset the model was pretrained on needs no conversion: no line, no transfer in the record.
    const same = await runCli('eval', 'knn', '-c', shapes, '--limit=32', '--json');
    expect(same.code, same.err).toBe(0);
    expect(transferLine(same.err)).toBeUndefined();
    expect((JSON.parse(same.out) as EvalRecord).dataset.transfer).toBeUndefined();
  });
});

describe('planTransfer', () => {
  it('says what converts the data to the model input, and nothing when it fits', () => {
    expect(planTransfer([32, 32, 3], [28, 28, 1])).toEqual({
      from: [32, 32, 3],
      to: [28, 28, 1],
      conversion: 'bilinear resize with antialiasing, ITU-R 601-2 grey',
    });
    expect(planTransfer([96, 96, 3], [28, 28, 1])?.conversion).toBe(
      'bilinear resize with antialiasing, ITU-R 601-2 grey',
    );
    expect(planTransfer([28, 28, 1], [32, 32, 3])?.conversion).toBe('bilinear resize, grey repeated to RGB');
    expect(planTransfer([28, 28, 1], [28, 28, 1])).toBeUndefined();
    // A model that takes any size: only the channels are converted.
    expect(planTransfer([40, 30, 1], [null, null, 3])).toEqual({
      from: [40, 30, 1],
      to: [40, 30, 3],
      conversion: 'grey repeated to RGB',
    });
  });

  it('refuses a model whose input has a channel count no conversion gives', () => {
    let error: unknown;
    try {
      planTransfer([32, 32, 3], [32, 32, 4]);
    } catch (e) {
      error = e;
    }
    expect(SimclrError.is(error)).toBe(true);
    expect((error as SimclrError).code).toBe('mismatch');
    expect((error as Error).message).toContain(
      'the model takes 4-channel images; evaluation converts images only to 1 (grey) or 3 (RGB) channels',
    );
  });
});

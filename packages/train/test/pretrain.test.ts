import { simclrAugment } from '@simclr/augment';
import { type ImageBatch, type Rng, SimclrError } from '@simclr/core';
import { createDataset, type Dataset } from '@simclr/data';
import type { SimCLRModel } from '@simclr/models';
import { describeBackends, expectClose } from '@simclr/test-utils';
import { pretrain, type StepMetrics } from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { MemorySink, makeDataset, makeModel } from './helpers.js';

/** A cheap random augmentation: per-image flip and brightness, drawn from the Rng. */
function flipAndBrightness(images: ImageBatch, rng: Rng): ImageBatch {
  const n = images.shape[0];
  const flips = Array.from({ length: n }, () => (rng.bernoulli(0.5) ? 1 : 0));
  const gains = Array.from({ length: n }, () => rng.uniform(0.6, 1.4));
  return tf.tidy(() => {
    const flipped = tf.reverse(images, 2);
    const mask = tf.reshape(tf.tensor1d(flips), [n, 1, 1, 1]);
    const mixed = tf.add(tf.mul(flipped, mask), tf.mul(images, tf.sub(1, mask)));
    return tf.clipByValue(tf.mul(mixed, tf.reshape(tf.tensor1d(gains), [n, 1, 1, 1])), 0, 1) as ImageBatch;
  });
}

const config = {
  epochs: 2,
  batchSize: 8,
  seed: 3,
  checkpointEvery: 2,
  optimizer: { name: 'lars' as const, baseLearningRate: 1, warmupEpochs: 0.5 },
};

describeBackends('pretrain', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  it('trains, reports every step, and a resumed run repeats the uninterrupted loss curve', async () => {
    const dataset = await makeDataset();
    const full: StepMetrics[] = [];
    const epochs: number[] = [];
    const model = makeModel();
    const fullSink = new MemorySink();
    const result = await pretrain(config, {
      model,
      dataset,
      augment: flipAndBrightness,
      checkpoints: fullSink,
      onStep: (m) => {
        full.push(m);
      },
      onEpoch: (e) => {
        epochs.push(e.epoch);
      },
    });
    model.dispose();
    expect(result).toMatchObject({ status: 'completed', step: 6, epochsCompleted: 2, resumedFrom: null });
    expect(full.map((m) => [m.step, m.epoch])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 1],
      [5, 1],
      [6, 1],
    ]);
    expect(epochs).toEqual([0, 1]);
    expect(fullSink.saved.map((s) => s.step)).toEqual([2, 4, 6]);
    for (const m of full) {
      expect(Number.isFinite(m.loss)).toBe(true);
      expect(m.contrastiveAccuracy).toBeGreaterThanOrEqual(0);
      expect(m.contrastiveAccuracy).toBeLessThanOrEqual(1);
      expect(m.imagesPerSecond).toBeGreaterThan(0);
    }
    // base 1·8/256; warm-up over 2 steps (half an epoch of 3, rounded), then cosine to 0 at step 6.
    expect(full[0]!.lr).toBe(0);
    expectClose(
      full.map((m) => m.lr),
      [0, 0.015625, 0.03125, 0.0266735, 0.015625, 0.0045765],
      { atol: 1e-6 },
    );

    // Interrupted after step 3 (the abort is seen after the step in flight), then resumed.
    const controller = new AbortController();
    const first: StepMetrics[] = [];
    const sink = new MemorySink();
    const interrupted = makeModel();
    const r1 = await pretrain(config, {
      model: interrupted,
      dataset,
      augment: flipAndBrightness,
      checkpoints: sink,
      signal: controller.signal,
      onStep: (m) => {
        first.push(m);
        if (m.step === 2) controller.abort();
      },
    });
    interrupted.dispose();
    expect(r1).toMatchObject({ status: 'aborted', step: 3 });
    expect(sink.saved.map((s) => s.step)).toEqual([2, 3]);
    const second: StepMetrics[] = [];
    const resumedModel = makeModel();
    const r2 = await pretrain(config, {
      model: resumedModel,
      dataset,
      augment: flipAndBrightness,
      checkpoints: sink,
      onStep: (m) => {
        second.push(m);
      },
    });
    resumedModel.dispose();
    expect(r2).toMatchObject({ status: 'completed', step: 6, resumedFrom: 3 });
    const resumedLosses = [...first, ...second].map((m) => m.loss);
    const fullLosses = full.map((m) => m.loss);
    if (backend === 'cpu') {
      expect(resumedLosses).toEqual(fullLosses);
    } else {
      expectClose(resumedLosses, fullLosses, { atol: 1e-5, rtol: 1e-5 });
    }
  });

  // A dataset of the user's own making whose first image holds NaN (the library's loaders refuse those).
  const nanImages = async (): Promise<Dataset> =>
    createDataset({
      size: 16,
      imageShape: [8, 8, 1],
      read(indices, out) {
        indices.forEach((index, i) => {
          out.fill(index === 0 ? Number.NaN : 0.25 + index / 64, i * 64, (i + 1) * 64);
        });
      },
    });
  // Where a non-finite loss came from, named in the error: a table of sources.
  it.each([
    {
      source: 'NaN input images',
      dataset: nanImages,
      says: 'the input images hold NaN or infinite values',
    },
    {
      source: 'an augmentation that makes NaN',
      augment: (images: ImageBatch) => tf.tidy(() => tf.mul(images, Number.NaN) as ImageBatch),
      says: 'the augmentation produced NaN or infinite values from finite images',
    },
    {
      source: 'a NaN weight',
      damage: (m: SimCLRModel) => {
        const w = m.encoder.trainableWeights[0]!;
        const bad = tf.fill(w.shape as number[], Number.NaN);
        w.write(bad);
        bad.dispose();
      },
      says: "the model's weight ",
    },
    {
      source: 'a projection so large that the embeddings overflow',
      damage: (m: SimCLRModel) => {
        const w = m.head.trainableWeights.at(-2)!;
        const big = tf.fill(w.shape as number[], 3e38);
        w.write(big);
        big.dispose();
      },
      says: 'the embeddings overflowed although the weights are finite',
      // webgl's float textures saturate instead of overflowing to infinity: the loss stays finite there.
      skipOn: ['webgl'],
    },
  ] as {
    source: string;
    says: string;
    skipOn?: string[];
    dataset?: () => Promise<Dataset>;
    augment?: (images: ImageBatch) => ImageBatch;
    damage?: (m: SimCLRModel) => void;
  }[])('stops on a non-finite loss from $source, names it, and applies no update', async (c) => {
    if (c.skipOn?.includes(backend)) return;
    const dataset = c.dataset ? await c.dataset() : await makeDataset(16);
    const model = makeModel();
    c.damage?.(model);
    const weights = () =>
      [...model.encoder.weights, ...model.head.weights].map((w) => Array.from(w.read().dataSync()));
    const before = weights();
    const sink = new MemorySink();
    const augment = c.augment ?? ((images: ImageBatch) => tf.clone(images) as ImageBatch);
    const error = await pretrain(
      { ...config, epochs: 1 },
      { model, dataset, augment, checkpoints: sink },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^the loss became (NaN|-?Infinity) at step 1 \(epoch 0\): /);
    expect((error as Error).message).toContain(c.says);
    expect((error as Error).message).toMatch(/The update was not applied$/);
    expect(sink.saved).toEqual([]);
    // No update was applied: every weight and batch-norm statistic is as before (NaN where it was NaN).
    expect(weights()).toEqual(before);
    model.dispose();
  });

  it('reads values back from the backend once per step (the loss and accuracy together)', async () => {
    const dataset = await makeDataset(16);
    const model = makeModel();
    // Reads of tensors' values (`data()`, `dataSync()`), not the host backends' kernels reading their own
    // memory: on webgl each of these is a GPU round trip.
    const engineBackend = tf.engine() as unknown as Record<'read' | 'readSync', (...a: unknown[]) => unknown>;
    const original = { read: engineBackend.read, readSync: engineBackend.readSync };
    let reads = 0;
    let steps = 0;
    for (const name of ['read', 'readSync'] as const) {
      engineBackend[name] = function (this: unknown, ...args: unknown[]) {
        reads++;
        return original[name].apply(this, args);
      };
    }
    try {
      await pretrain(
        { ...config, epochs: 1 },
        {
          model,
          dataset,
          augment: simclrAugment({ size: 8, strength: 0.5, blur: false }),
          onStep: () => {
            steps++;
          },
        },
      );
    } finally {
      Object.assign(engineBackend, original);
    }
    expect(steps).toBe(2);
    expect(reads).toBe(steps);
    model.dispose();
  });

  it('rejects a batch larger than the dataset', async () => {
    const dataset = await makeDataset(4);
    const model = makeModel();
    await expect(
      pretrain({ ...config, batchSize: 8 }, { model, dataset, augment: flipAndBrightness }),
    ).rejects.toThrow(SimclrError);
    model.dispose();
  });
});

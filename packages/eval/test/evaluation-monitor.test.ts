import { createRng, type ImageBatch, SimclrError } from '@simclr/core';
import { syntheticShapes } from '@simclr/data';
import { evaluationMonitor, knnMonitor, linearProbeMonitor } from '@simclr/eval';
import { describeBackends } from '@simclr/test-utils';
import type * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { tinyEncoder } from './helpers/tiny-encoder.js';

describeBackends('evaluationMonitor', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('reads what knnMonitor and linearProbeMonitor read, encoding every image once per evaluation', async () => {
    const train = await syntheticShapes({ size: 60, imageSize: 16, channels: 1, seed: 1 });
    const test = await syntheticShapes({ size: 25, imageSize: 16, channels: 1, seed: 2 });
    const model = tinyEncoder([16, 16, 1], 2);
    let encoded = 0;
    const encoder = (images: ImageBatch) => {
      encoded += images.shape[0];
      return model.apply(images, { training: false }) as tf.Tensor2D;
    };
    const linear = { passes: 2, headBatchSize: 16, learningRate: 0.05 };
    const both = evaluationMonitor({
      encoder,
      train,
      test,
      every: 2,
      batchSize: 16,
      knn: { k: 10, temperature: 0.2 },
      linear: { ...linear, rng: createRng(3) },
    });
    const knn = knnMonitor({ encoder, train, test, every: 2, k: 10, temperature: 0.2 });
    const probe = linearProbeMonitor({ encoder, train, test, every: 2, ...linear, rng: createRng(3) });
    try {
      for (const epoch of [0, 1, 2, 3]) {
        encoded = 0;
        const reading = await both(epoch);
        if (epoch % 2 === 0) {
          expect(reading).toBeUndefined();
          expect(encoded).toBe(0);
          continue;
        }
        expect(encoded).toBe(train.size + test.size);
        expect(reading).toEqual({ epoch, knn: await knn(epoch), linear: await probe(epoch) });
      }
    } finally {
      both.dispose();
      probe.dispose();
      model.dispose();
    }
  });

  it('rejects bad options when it is created, naming the nested ones with their group', async () => {
    const train = await syntheticShapes({ size: 30, imageSize: 16, channels: 1 });
    const encoder = tinyEncoder([16, 16, 1], 2);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ knn: { k: 31 } }, /^knn\.k must be an integer >= 1 and <= 30, got 31/],
      [{ knn: { k: 5, temperature: 0 } }, /^knn\.temperature must be a finite number > 0, got 0/],
      [{ knn: 5 }, /^knn must be an options object, got/],
      [{ linear: { passes: 0 } }, /^linear\.passes must be an integer >= 1, got 0/],
      [{ linear: { momentum: 2 } }, /^linear\.momentum must be a finite number >= 0 and < 1, got 2/],
      [{ linear: { rng: {} } }, /^linear\.rng must be an Rng/],
      [{ linear: [] }, /^linear must be an options object, got/],
      [{ every: 1.5 }, /^every must be an integer >= 1, got 1.5/],
    ];
    try {
      for (const [bad, message] of cases) {
        const create = () =>
          evaluationMonitor({ encoder, train, test: train, knn: { k: 5 }, ...bad } as never);
        expect(create, JSON.stringify(bad)).toThrow(SimclrError);
        expect(create, JSON.stringify(bad)).toThrow(message);
      }
      const monitor = evaluationMonitor({ encoder, train, test: train, knn: { k: 5 } });
      monitor.dispose();
      await expect(monitor(0)).rejects.toThrow(/^the linear probe was disposed/);
    } finally {
      encoder.dispose();
    }
  });
});

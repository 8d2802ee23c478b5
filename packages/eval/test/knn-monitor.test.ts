import { SimclrError } from '@simclr/core';
import { syntheticShapes } from '@simclr/data';
import { extractFeatures, knnEvaluate, knnMonitor } from '@simclr/eval';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { tinyEncoder } from './helpers/tiny-encoder.js';

describeBackends('knnMonitor', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('evaluates after every `every`-th epoch with the current encoder', async () => {
    const train = await syntheticShapes({ size: 60, imageSize: 16, channels: 1, seed: 1 });
    const test = await syntheticShapes({ size: 25, imageSize: 16, channels: 1, seed: 2 });
    const encoder = tinyEncoder([16, 16, 1], 2);
    const monitor = knnMonitor({ encoder, train, test, every: 2, k: 10, temperature: 0.2, batchSize: 16 });
    try {
      expect(await monitor(0)).toBeUndefined();
      const reading = await monitor(1);
      const memory = await extractFeatures(encoder, train);
      const held = await extractFeatures(encoder, test);
      const want = await knnEvaluate({
        trainFeatures: memory.features,
        trainLabels: memory.labels,
        testFeatures: held.features,
        testLabels: held.labels,
        k: 10,
        temperature: 0.2,
      });
      tf.dispose([memory.features, held.features]);
      expect(reading).toEqual({ epoch: 1, top1: want.top1, top5: want.top5 });
      expect(await monitor(2)).toBeUndefined();
      // Weights changed in place are seen by the next reading.
      for (const w of encoder.trainableWeights) {
        const flipped = tf.neg(w.read());
        w.write(flipped);
        flipped.dispose();
      }
      const later = await monitor(3);
      expect(later?.epoch).toBe(3);
    } finally {
      encoder.dispose();
    }
  });

  it('rejects bad options when it is created', async () => {
    const train = await syntheticShapes({ size: 30, imageSize: 16, channels: 1 });
    const encoder = tinyEncoder([16, 16, 1], 2);
    try {
      expect(() => knnMonitor({ encoder, train, test: train, k: 31 })).toThrow(SimclrError);
      expect(() => knnMonitor({ encoder, train, test: train, k: 31 })).toThrow(
        'k must be an integer >= 1 and <= 30, got 31',
      );
      expect(() => knnMonitor({ encoder, train, test: train, k: 5, every: 0 })).toThrow(
        /^every must be an integer >= 1/,
      );
      expect(() => knnMonitor({ encoder: 3 as never, train, test: train })).toThrow(/^encoder must be/);
      const monitor = knnMonitor({ encoder, train, test: train, k: 5 });
      await expect(monitor(-1)).rejects.toThrow(/^epoch must be an integer >= 0, got -1/);
    } finally {
      encoder.dispose();
    }
  });
});

import { createRng, SimclrError } from '@simclr/core';
import { syntheticShapes } from '@simclr/data';
import { fineTune } from '@simclr/eval';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { tinyEncoder } from './helpers/tiny-encoder.js';

const SIZE = 16;

describeBackends('fineTune', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('trains the encoder and a new linear head on a balanced label subset', async () => {
    const dataset = await syntheticShapes({
      size: 200,
      imageSize: SIZE,
      channels: 1,
      numClasses: 3,
      seed: 1,
    });
    const test = await syntheticShapes({ size: 60, imageSize: SIZE, channels: 1, numClasses: 3, seed: 2 });
    const encoder = tinyEncoder([SIZE, SIZE, 1], 11);
    const before = encoder.getWeights().map((w) => w.dataSync().slice());
    const epochs: number[] = [];
    const optimizer = tf.train.adam(0.02);
    const result = await fineTune({
      encoder: { encoder },
      dataset,
      test,
      labelFraction: 0.3,
      rng: createRng(3),
      epochs: 15,
      batchSize: 15,
      optimizer,
      onEpoch: ({ epoch }) => {
        epochs.push(epoch);
      },
    });
    try {
      expect(result.subset).toHaveLength(60);
      const perClass = [0, 0, 0];
      for (const i of result.subset) perClass[i % 3]!++;
      expect(perClass).toEqual([20, 20, 20]);
      expect(epochs).toEqual([...Array(15).keys()]);
      expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss / 3);
      expect(result.history.at(-1)!.accuracy).toBeGreaterThan(0.9);
      // The encoder is fine-tuned too, not only the head.
      const after = encoder.getWeights().map((w) => w.dataSync());
      expect(after.some((w, i) => w.some((v, j) => v !== before[i]![j]))).toBe(true);
      const score = result.test!;
      expect(score.top1).toBeGreaterThan(0.6);
      expect(score.top5).toBe(1);
      expect(score.confusion.flat().reduce((a, b) => a + b, 0)).toBe(60);
      const { images, labels } = await test.get([0, 1, 2]);
      const logits = result.predict(images);
      expect(logits.shape).toEqual([3, 3]);
      tf.dispose([images, labels!, logits]);
    } finally {
      result.head.dispose();
      encoder.dispose();
      optimizer.dispose();
    }
  });

  it('is reproducible from the seed and uses a given subset as it is', async () => {
    const dataset = await syntheticShapes({ size: 40, imageSize: SIZE, channels: 1, numClasses: 2 });
    const run = async () => {
      const encoder = tinyEncoder([SIZE, SIZE, 1], 5);
      const result = await fineTune({
        encoder,
        dataset,
        subset: [9, 3, 4, 10, 17, 12],
        rng: createRng(8),
        epochs: 2,
        batchSize: 4,
        augment: (images, rng) => (rng.bernoulli(0.5) ? tf.reverse(images, 2) : tf.clone(images)),
      });
      result.head.dispose();
      encoder.dispose();
      return result;
    };
    const a = await run();
    const b = await run();
    expect(a.subset).toEqual([3, 4, 9, 10, 12, 17]);
    expect(a.history).toEqual(b.history);
    expect(a.test).toBeUndefined();
  });

  it('rejects bad options, naming them', async () => {
    const dataset = await syntheticShapes({ size: 20, imageSize: SIZE, channels: 1, numClasses: 2 });
    const encoder = tinyEncoder([SIZE, SIZE, 1], 5);
    const base = { encoder, dataset };
    const cases: [Parameters<typeof fineTune>[0], RegExp][] = [
      [base, /^labelFraction must be given/],
      [{ ...base, labelFraction: 0.01 }, /^fraction 0.01 leaves class 0 \(10 examples\) empty/],
      [{ ...base, labelFraction: 2 }, /^fraction must be a number in \(0, 1\], got 2/],
      [{ ...base, subset: [0, 20] }, /^subset must hold integers in 0 … 19, got 20 at position 1/],
      [{ ...base, labelFraction: 0.5, learningRate: 0 }, /^learningRate must be a finite number > 0, got 0/],
      [{ ...base, labelFraction: 0.5, epochs: -1 }, /^epochs must be an integer >= 0, got -1/],
      [
        { ...base, encoder: ((x: tf.Tensor) => x) as never, labelFraction: 0.5 },
        /^encoder must be a tf\.LayersModel/,
      ],
      [{ ...base, dataset: {} as never, labelFraction: 0.5 }, /^dataset must be a Dataset/],
    ];
    try {
      for (const [options, message] of cases) {
        await expect(fineTune(options)).rejects.toThrow(SimclrError);
        await expect(fineTune(options)).rejects.toThrow(message);
      }
    } finally {
      encoder.dispose();
    }
  });
});

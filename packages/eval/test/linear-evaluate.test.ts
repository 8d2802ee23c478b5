import { SimclrError } from '@simclr/core';
import { linearEvaluate } from '@simclr/eval';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { fixture, fixtureFeatures } from './helpers/linear-fixture.js';

describeBackends('linearEvaluate', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  for (const reference of fixture.fits) {
    it(`matches scikit-learn's LogisticRegression(C=${reference.C}) on PCA'd Fashion-MNIST`, async () => {
      const { train, test } = fixtureFeatures();
      try {
        const result = await linearEvaluate({
          train: { features: train, labels: fixture.train.labels },
          test: { features: test, labels: fixture.test.labels },
          l2: 1 / (reference.C * train.shape[0]),
        });
        expect(Math.abs(result.top1 - reference.top1)).toBeLessThanOrEqual(0.01);
        expect(Math.abs(result.top5 - reference.top5)).toBeLessThanOrEqual(0.01);
        expect(Math.abs(result.trainTop1 - reference.trainTop1)).toBeLessThanOrEqual(0.01);
        // The same objective, minimised as far: scikit-learn's optimum is within float32 rounding of ours.
        expect(result.loss).toBeCloseTo(reference.objective, 4);
        expect(result.converged).toBe(true);
        const agree = result.predictions.filter((p, i) => p === reference.predictions[i]).length;
        expect(agree / result.predictions.length).toBeGreaterThanOrEqual(0.99);
        expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(test.shape[0]);
        const diagonal = result.confusion.reduce((s, row, i) => s + row[i]!, 0);
        expect(diagonal / test.shape[0]).toBe(result.top1);
      } finally {
        tf.dispose([train, test]);
      }
    });
  }

  it('rejects bad input with an error that names the argument', async () => {
    const features = tf.tensor2d([1, 0, 0, 1, 1, 1, 0.5, 2], [4, 2]);
    const nan = tf.tensor2d([1, 0, Number.NaN, 1, 1, 1, 0.5, 2], [4, 2]);
    const wide = tf.zeros([2, 3]) as tf.Tensor2D;
    const labels = [0, 1, 0, 1];
    const train = { features, labels };
    const cases: [Parameters<typeof linearEvaluate>[0], RegExp][] = [
      [{ train: { features: nan, labels }, test: train }, /^train\.features must be finite/],
      [
        { train, test: { features: wide, labels: [0, 1] } },
        /^test\.features must have as many columns as train\.features \(2\)/,
      ],
      [
        { train: { features, labels: [0, 1, 0] }, test: train },
        /^train\.labels must hold one label per feature row \(4\), got 3/,
      ],
      [
        { train, test: { features, labels: [0, 1, 2, 1] }, numClasses: 2 },
        /^test\.labels must lie in 0 … 1 \(numClasses\), got 2 at index 2/,
      ],
      [
        { train, test: { features, labels: [0, -1, 0, 1] } },
        /^test\.labels must be integers >= 0, got -1 at index 1/,
      ],
      [{ train, test: train, l2: -1 }, /^l2 must be a finite number >= 0, got -1/],
      [{ train, test: train, maxIterations: 1.5 }, /^maxIterations must be an integer/],
      [{ train: features as never, test: train }, /^train\.features must be a tf\.Tensor, got undefined/],
    ];
    try {
      for (const [options, message] of cases) {
        await expect(linearEvaluate(options)).rejects.toThrow(SimclrError);
        await expect(linearEvaluate(options)).rejects.toThrow(message);
      }
    } finally {
      tf.dispose([features, nan, wide]);
    }
  });
});

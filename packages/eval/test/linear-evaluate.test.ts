import { SimclrError } from '@simclr/core';
import { linearEvaluate } from '@simclr/eval';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { withBadSplits } from './helpers/bad-labelled-features.js';
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
    await withBadSplits(async (splits, train) => {
      const cases: [Parameters<typeof linearEvaluate>[0], RegExp][] = [
        ...splits,
        [{ train, test: train, l2: -1 }, /^l2 must be a finite number >= 0, got -1/],
        [{ train, test: train, maxIterations: 1.5 }, /^maxIterations must be an integer/],
      ];
      for (const [options, message] of cases) {
        await expect(linearEvaluate(options)).rejects.toThrow(SimclrError);
        await expect(linearEvaluate(options)).rejects.toThrow(message);
      }
    });
  });
});

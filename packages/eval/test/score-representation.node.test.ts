import { SimclrError } from '@simclr/core';
import { scoreRepresentation } from '@simclr/eval';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { withBadSplits } from './helpers/bad-labelled-features.js';
import { bruteForceKnn } from './helpers/brute-force-knn.js';
import { fixture, fixtureFeatures } from './helpers/linear-fixture.js';

/** The float64 kNN of the fixture's features at τ 0.1 with `k` neighbours. */
function fixtureKnn(train: tf.Tensor2D, test: tf.Tensor2D, k: number) {
  const rows = (t: tf.Tensor2D) => t.dataSync() as Float32Array;
  return bruteForceKnn(
    rows(train),
    fixture.train.labels,
    rows(test),
    fixture.test.labels,
    fixture.dims,
    k,
    0.1,
    10,
  );
}

describeBackends('scoreRepresentation', ['cpu', 'wasm'], () => {
  it("matches a float64 kNN and scikit-learn's LogisticRegression() with the defaults", async () => {
    const { train, test } = fixtureFeatures();
    try {
      const scores = await scoreRepresentation({
        train: { features: train, labels: fixture.train.labels },
        test: { features: test, labels: fixture.test.labels },
      });
      // kNN at the defaults (k 200, τ 0.1) against the host reference.
      const knn = fixtureKnn(train, test, 200);
      expect(scores.knn.top1).toBeCloseTo(knn.top1, 10);
      const agree = knn.predictions.filter((p, i) => p === scores.knn.predictions[i]).length;
      expect(agree).toBeGreaterThanOrEqual(knn.predictions.length - 1);
      // The linear probe at its defaults is scikit-learn's C = 1.
      const reference = fixture.fits.find((f) => f.C === 1)!;
      expect(Math.abs(scores.linear.top1 - reference.top1)).toBeLessThanOrEqual(0.01);
      expect(scores.linear.loss).toBeCloseTo(reference.objective, 4);
      expect(scores.linear.converged).toBe(true);
    } finally {
      tf.dispose([train, test]);
    }
  });

  it('passes its settings to each protocol', async () => {
    const { train, test } = fixtureFeatures();
    try {
      const scores = await scoreRepresentation({
        train: { features: train, labels: fixture.train.labels },
        test: { features: test, labels: fixture.test.labels },
        knn: { k: 1 },
        linear: { maxIterations: 3 },
      });
      const nearest = fixtureKnn(train, test, 1);
      expect(scores.knn.top1).toBeCloseTo(nearest.top1, 10);
      expect(scores.linear.iterations).toBe(3);
      expect(scores.linear.converged).toBe(false);
    } finally {
      tf.dispose([train, test]);
    }
  });

  it('lets every row vote when there are fewer than k = 200, unless k is given', async () => {
    const train = tf.tensor2d([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9], [4, 2]);
    const test = tf.tensor2d([1, 0.2, 0.2, 1], [2, 2]);
    try {
      const scores = await scoreRepresentation({
        train: { features: train, labels: [0, 0, 1, 1] },
        test: { features: test, labels: [0, 1] },
      });
      expect(scores.knn.top1).toBe(1);
      expect(Array.from(scores.knn.predictions)).toEqual([0, 1]);
      expect(scores.linear.top1).toBe(1);
    } finally {
      tf.dispose([train, test]);
    }
  });

  it('rejects bad input with an error that names the argument', async () => {
    await withBadSplits(async (splits, train) => {
      const cases: [Parameters<typeof scoreRepresentation>[0], RegExp][] = [
        [undefined as never, /^options must be an options object, got undefined/],
        ...splits,
        [{ train, test: train, knn: { k: 5 } }, /^knn\.k must be .*<= 4, got 5/],
        [{ train, test: train, knn: { temperature: 0 } }, /^knn\.temperature must be/],
        [{ train, test: train, linear: { maxIterations: 1.5 } }, /^linear\.maxIterations must be an integer/],
        [{ train, test: train, linear: { l2: -1 } }, /^linear\.l2 must be a finite number >= 0, got -1/],
        [{ train, test: train, knn: 3 as never }, /^knn must be an options object, got 3/],
      ];
      for (const [options, message] of cases) {
        const error = await scoreRepresentation(options).catch((e: unknown) => e);
        expect(SimclrError.is(error), String(error)).toBe(true);
        expect((error as Error).message).toMatch(message);
      }
    });
  });
});

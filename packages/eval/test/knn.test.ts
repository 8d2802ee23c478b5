import { SimclrError } from '@simclr/core';
import { knnEvaluate } from '@simclr/eval';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { bruteForceKnn } from './helpers/brute-force-knn.js';
import { CLASSES, clusteredFeatures, DIM, withFeatureTensors } from './helpers/clustered-features.js';

const train = clusteredFeatures(300, 1);
const test = clusteredFeatures(90, 2);

describeBackends('knnEvaluate', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  const withTensors = <T>(fn: (trainFeatures: tf.Tensor2D, testFeatures: tf.Tensor2D) => Promise<T>) =>
    withFeatureTensors(train, test, fn);

  for (const [k, temperature] of [
    [1, 0.1],
    [20, 0.1],
    [200, 0.07],
    [300, 0.5],
  ] as const) {
    it(`equals a float64 brute-force kNN (k=${k}, τ=${temperature})`, async () => {
      const want = bruteForceKnn(
        train.values,
        train.labels,
        test.values,
        test.labels,
        DIM,
        k,
        temperature,
        CLASSES,
      );
      const got = await withTensors((trainFeatures, testFeatures) =>
        knnEvaluate({
          trainFeatures,
          trainLabels: train.labels,
          testFeatures,
          testLabels: test.labels,
          k,
          temperature,
        }),
      );
      expect(got.top1).toBe(want.top1);
      expect(got.top5).toBe(want.top5);
      expect(Array.from(got.predictions)).toEqual(want.predictions);
      // A case where the two metrics and the chance level are all apart, so the comparison means something.
      expect(want.top1).toBeGreaterThan(1.5 / CLASSES);
      expect(want.top5).toBeGreaterThan(want.top1);
    });
  }

  it('gives the same result for chunk sizes 1, 7 and all rows at once', async () => {
    const results = await withTensors(async (trainFeatures, testFeatures) => {
      const trainLabels = tf.tensor1d(train.labels, 'int32');
      const out = [];
      for (const chunkSize of [1, 7, 90]) {
        out.push(
          await knnEvaluate({
            trainFeatures,
            trainLabels,
            testFeatures,
            testLabels: test.labels,
            k: 25,
            chunkSize,
          }),
        );
      }
      trainLabels.dispose();
      return out;
    });
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });

  it('rejects bad input with an error that names the argument', async () => {
    const features = tf.tensor2d([1, 0, 0, 1, 1, 1, 0.5, 2], [4, 2]);
    const nan = tf.tensor2d([1, 0, Number.NaN, 1], [2, 2]);
    const wide = tf.zeros([2, 3]) as tf.Tensor2D;
    const ints = tf.tensor2d([1, 0, 0, 1], [2, 2], 'int32') as tf.Tensor2D;
    const base = {
      trainFeatures: features,
      trainLabels: [0, 1, 0, 1],
      testFeatures: features,
      testLabels: [0, 1, 1, 0],
    };
    const cases: [Parameters<typeof knnEvaluate>[0], RegExp][] = [
      [{ ...base, k: 0 }, /^k must be an integer >= 1 and <= 4, got 0/],
      [{ ...base, k: 5 }, /^k must be an integer >= 1 and <= 4, got 5/],
      [{ ...base, k: 2.5 }, /^k must be an integer/],
      [{ ...base, k: 2, temperature: 0 }, /^temperature must be a finite number > 0, got 0/],
      [
        { ...base, k: 2, trainLabels: [0, 1, 0] },
        /^trainLabels must hold one label per feature row \(4\), got 3/,
      ],
      [
        { ...base, k: 2, testLabels: [0, 1, 1, 0, 1] },
        /^testLabels must hold one label per feature row \(4\), got 5/,
      ],
      [
        { ...base, k: 2, testLabels: [0, 1, 3, 0], numClasses: 2 },
        /^testLabels must lie in 0 … 1 \(numClasses\), got 3 at index 2/,
      ],
      [
        { ...base, k: 2, trainLabels: [0, 1, 0.5, 1] },
        /^trainLabels must be integers >= 0, got 0.5 at index 2/,
      ],
      [{ ...base, k: 2, testFeatures: nan, testLabels: [0, 1] }, /^testFeatures must be finite/],
      [{ ...base, k: 2, trainFeatures: nan, trainLabels: [0, 1] }, /^trainFeatures must be finite/],
      [
        { ...base, k: 2, testFeatures: wide, testLabels: [0, 1] },
        /^testFeatures must have as many columns as trainFeatures \(2\), got shape \[2,3\]/,
      ],
      [
        { ...base, k: 2, testFeatures: ints, testLabels: [0, 1] },
        /^testFeatures must have dtype float32, got int32/,
      ],
      [{ ...base, k: 2, chunkSize: 0 }, /^chunkSize must be an integer >= 1, got 0/],
      [{ ...base, trainFeatures: [[1, 0]] as never }, /^trainFeatures must be a tf\.Tensor/],
    ];
    try {
      for (const [options, message] of cases) {
        await expect(knnEvaluate(options)).rejects.toThrow(SimclrError);
        await expect(knnEvaluate(options)).rejects.toThrow(message);
      }
    } finally {
      tf.dispose([features, nan, wide, ints]);
    }
  });
});

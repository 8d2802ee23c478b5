import { SimclrError } from '@simclr/core';
import { knnEvaluate } from '@simclr/eval';
import { knnEvaluateParallel } from '@simclr/eval/node';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { bruteForceKnn } from './helpers/brute-force-knn.js';
import { CLASSES, clusteredFeatures, DIM, withFeatureTensors } from './helpers/clustered-features.js';

// 91 test rows: not a multiple of 2 (nor of the chunk size 7 used below).
const train = clusteredFeatures(300, 1);
const test = clusteredFeatures(91, 2);

describeBackends('knnEvaluateParallel', ['cpu', 'wasm'], (backend) => {
  const withTensors = <T>(fn: (trainFeatures: tf.Tensor2D, testFeatures: tf.Tensor2D) => Promise<T>) =>
    withFeatureTensors(train, test, fn);

  for (const { workers, k, temperature, chunkSize } of [
    { workers: 1, k: 20, temperature: 0.1, chunkSize: undefined },
    { workers: 2, k: 200, temperature: 0.07, chunkSize: undefined },
    { workers: 2, k: 1, temperature: 0.1, chunkSize: 7 },
  ]) {
    it(`equals knnEvaluate and a float64 brute force (${workers} worker(s), k=${k}, chunkSize ${chunkSize ?? 'default'})`, async () => {
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
      const [single, parallel] = await withTensors(async (trainFeatures, testFeatures) => {
        const options = {
          trainFeatures,
          trainLabels: train.labels,
          testFeatures,
          testLabels: tf.tensor1d(test.labels, 'int32'),
          k,
          temperature,
          ...(chunkSize !== undefined && { chunkSize }),
        };
        try {
          return [await knnEvaluate(options), await knnEvaluateParallel({ ...options, workers, backend })];
        } finally {
          options.testLabels.dispose();
        }
      });
      expect(parallel).toEqual(single);
      expect(parallel.top1).toBe(want.top1);
      expect(parallel.top5).toBe(want.top5);
      expect(Array.from(parallel.predictions)).toEqual(want.predictions);
      expect(want.top5).toBeGreaterThan(want.top1);
    });
  }

  it('rejects bad workers values and the input knnEvaluate rejects, before any worker starts', async () => {
    await withTensors(async (trainFeatures, testFeatures) => {
      const base = { trainFeatures, trainLabels: train.labels, testFeatures, testLabels: test.labels, k: 5 };
      const cases: [Parameters<typeof knnEvaluateParallel>[0], RegExp][] = [
        [{ ...base, workers: 0 }, /^workers must be 'auto' or an integer >= 1, got 0/],
        [{ ...base, workers: -2 }, /^workers must be 'auto' or an integer >= 1, got -2/],
        [{ ...base, workers: Number.NaN }, /^workers must be 'auto' or an integer >= 1, got NaN/],
        [{ ...base, workers: '2' as never }, /^workers must be 'auto' or an integer >= 1, got "2"/],
        [{ ...base, backend: 3 as never }, /^backend must be a backend name or a list of them, got 3/],
        [{ ...base, threadsPerWorker: 0 }, /^threadsPerWorker must be an integer >= 1, got 0/],
        [{ ...base, k: 301 }, /^k must be an integer >= 1 and <= 300, got 301/],
        [{ ...base, testLabels: [0, 1] }, /^testLabels must hold one label per feature row \(91\), got 2/],
      ];
      for (const [options, message] of cases) {
        const error = await knnEvaluateParallel(options).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, String(message)).toBeInstanceOf(SimclrError);
        expect((error as Error).message).toMatch(message);
      }
      await expect(knnEvaluateParallel(null as never)).rejects.toThrow(
        /^options must be an options object, got null/,
      );
    });
  });

  it('a worker that fails to set up rejects naming it', async () => {
    await withTensors(async (trainFeatures, testFeatures) => {
      await expect(
        knnEvaluateParallel({
          trainFeatures,
          trainLabels: train.labels,
          testFeatures,
          testLabels: test.labels,
          k: 5,
          workers: 2,
          backend: 'tensorflow',
        }),
        // tfjs-node cannot install here, so neither worker can start. (Not webgpu: terminating a worker while
        // Dawn probes for an adapter can abort the whole process.)
      ).rejects.toThrow(
        /^knnEvaluateParallel: worker [01] of 2 failed: backend 'tensorflow' is not installed/,
      );
    });
  });
});

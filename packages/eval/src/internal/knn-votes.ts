import { assertNumber, assertOptionsObject } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type { KnnOptions } from '../knn.js';
import { KNN_DEFAULTS } from '../knn-defaults.js';
import { assertFeaturePair, readLabels, resolveNumClasses } from './validate.js';

const CHUNK_FLOATS = 2 ** 24;

/** The options of a kNN evaluation, checked, with defaults applied and the labels read to the host. */
export interface KnnSetup {
  trainFeatures: tf.Tensor2D;
  testFeatures: tf.Tensor2D;
  trainLabels: Int32Array;
  testLabels: Int32Array;
  k: number;
  temperature: number;
  numClasses: number;
  chunkSize: number;
}

/** Checks `options` of `knnEvaluate` (see its `@throws`) and applies the defaults. */
export async function resolveKnnOptions(options: KnnOptions): Promise<KnnSetup> {
  assertOptionsObject(options);
  const { trainFeatures, testFeatures, k = KNN_DEFAULTS.k, temperature = KNN_DEFAULTS.temperature } = options;
  assertFeaturePair(trainFeatures, testFeatures, 'trainFeatures', 'testFeatures');
  const n = trainFeatures.shape[0];
  const m = testFeatures.shape[0];
  assertNumber(k, 'k', { min: 1, max: n, integer: true });
  assertNumber(temperature, 'temperature', { min: 0, exclusiveMin: true });
  const { chunkSize = Math.max(1, Math.floor(CHUNK_FLOATS / n)) } = options;
  assertNumber(chunkSize, 'chunkSize', { min: 1, integer: true });
  const trainLabels = await readLabels(options.trainLabels, 'trainLabels', n);
  const testLabels = await readLabels(options.testLabels, 'testLabels', m);
  const numClasses = resolveNumClasses(options.numClasses, [
    { name: 'trainLabels', labels: trainLabels },
    { name: 'testLabels', labels: testLabels },
  ]);
  return { trainFeatures, testFeatures, trainLabels, testLabels, k, temperature, numClasses, chunkSize };
}

/**
 * The weighted kNN votes of every test row, `[rows, numClasses]` in float64: for each of its k most
 * similar training rows (cosine similarity), exp((sim - nearest sim)/τ) added to that row's class.
 * Similarities are computed on the backend `chunkSize` test rows at a time; the sums are taken on the host.
 */
export async function knnVotes(setup: Omit<KnnSetup, 'testLabels'>): Promise<Float64Array> {
  const { trainFeatures, testFeatures, trainLabels, k, temperature, numClasses, chunkSize } = setup;
  const d = trainFeatures.shape[1];
  const m = testFeatures.shape[0];
  // The training rows are scaled after the product instead of normalised up front, which spares a copy
  // of the (possibly large) training features; and the product is taken as trainFeatures · unitᵀ, since
  // wasm runs a matMul with a transposed operand in a scalar loop and only transposes small tensors here.
  const inverseNorms = tf.tidy(() =>
    tf.div(1, tf.maximum(tf.sqrt(tf.sum(tf.square(trainFeatures), 1, true)), 1e-12)),
  );
  const scores = new Float64Array(m * numClasses);
  try {
    for (let start = 0; start < m; start += chunkSize) {
      const rows = Math.min(chunkSize, m - start);
      const top = tf.tidy(() => {
        const query = tf.slice(testFeatures, [start, 0], [rows, d]);
        const unit = tf.div(query, tf.maximum(tf.sqrt(tf.sum(tf.square(query), 1, true)), 1e-12));
        const similarity = tf.transpose(tf.mul(tf.matMul(trainFeatures, tf.transpose(unit)), inverseNorms));
        return tf.topk(similarity, k, true);
      });
      let values: ArrayLike<number>;
      let indices: ArrayLike<number>;
      try {
        [values, indices] = await Promise.all([top.values.data(), top.indices.data()]);
      } finally {
        tf.dispose([top.values, top.indices]);
      }
      for (let r = 0; r < rows; r++) {
        const offset = (start + r) * numClasses;
        // Weights relative to the nearest neighbour's: the same ranking as exp(sim/τ), without overflow
        // for small τ.
        const nearest = values[r * k]!;
        for (let j = 0; j < k; j++) {
          const neighbour = indices[r * k + j]!;
          scores[offset + trainLabels[neighbour]!]! += Math.exp((values[r * k + j]! - nearest) / temperature);
        }
      }
    }
  } finally {
    inverseNorms.dispose();
  }
  return scores;
}

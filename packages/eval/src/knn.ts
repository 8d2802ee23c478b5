import { assertNumber, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { scoreRanks } from './internal/score-ranks.js';
import { assertFeatures, assertOptions, readLabels, resolveNumClasses } from './internal/validate.js';

/** Options of {@link knnEvaluate}. */
export interface KnnOptions {
  /** The labelled neighbours (the "memory bank"): h of the training split, `[N, D]` float32. */
  trainFeatures: tf.Tensor2D;
  /** The class of each row of `trainFeatures`: an int32 tensor `[N]` or an array of integers. */
  trainLabels: tf.Tensor1D | ArrayLike<number>;
  /** h of the examples to classify, `[M, D]` float32. */
  testFeatures: tf.Tensor2D;
  /** The class of each row of `testFeatures`: an int32 tensor `[M]` or an array of integers. */
  testLabels: tf.Tensor1D | ArrayLike<number>;
  /** Neighbours that vote, 1 … N. Default 200 (Wu et al. 2018). */
  k?: number;
  /** τ of the vote weight exp(sim/τ), > 0; smaller gives the nearest neighbours more say. Default 0.1. */
  temperature?: number;
  /** Number of classes. Default: the largest label of either split + 1. */
  numClasses?: number;
  /**
   * Test rows whose similarities to all N training rows are computed at once. The result does not depend
   * on it; memory does: about 2 × chunkSize × N floats (the product and its transpose). Default: the most
   * that keeps chunkSize × N under 2^24 (64 MB), at least 1; for N = 60 000, 279.
   */
  chunkSize?: number;
}

/** What {@link knnEvaluate} measured. */
export interface KnnResult {
  /** Fraction of test rows whose label won the vote. */
  top1: number;
  /** Fraction of test rows whose label is among the 5 classes with most votes (all, with fewer than 5 classes). */
  top5: number;
  /** The winning class of each test row. */
  predictions: Int32Array;
}

const CHUNK_FLOATS = 2 ** 24;

/**
 * Weighted k-nearest-neighbour classification by cosine similarity, the monitor of self-supervised
 * training (Wu et al. 2018; the kNN monitor of lightly and solo-learn): each test row's k most similar
 * training rows vote for their class with weight exp(sim/τ), and the class with the largest sum wins.
 * Ties between classes go to the lower class index.
 *
 * Similarities are computed on the backend a chunk of test rows at a time (so 60k × 10k fits in memory);
 * the votes are summed on the host in float64 from the k neighbours' similarities.
 *
 * @throws SimclrError for features that are not finite float32 `[rows, D]` with the same D, labels whose
 * count differs from the rows or that are not integers in `0 … numClasses-1`, k outside 1 … N, τ <= 0.
 */
export async function knnEvaluate(options: KnnOptions): Promise<KnnResult> {
  assertOptions(options);
  const { trainFeatures, testFeatures, k = 200, temperature = 0.1 } = options;
  assertFeatures(trainFeatures, 'trainFeatures');
  assertFeatures(testFeatures, 'testFeatures');
  const [n, d] = trainFeatures.shape;
  const m = testFeatures.shape[0];
  if (testFeatures.shape[1] !== d) {
    throw new SimclrError(
      `testFeatures must have as many columns as trainFeatures (${d}), got shape [${testFeatures.shape.join(',')}]`,
    );
  }
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
  const { top1Hits, top5Hits, predictions } = scoreRanks(scores, testLabels, numClasses);
  return { top1: top1Hits / m, top5: top5Hits / m, predictions };
}

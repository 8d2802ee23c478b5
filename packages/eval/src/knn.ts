import type * as tf from '@tensorflow/tfjs-core';
import { knnVotes, resolveKnnOptions } from './internal/knn-votes.js';
import { scoreRanks } from './internal/score-ranks.js';

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
  const setup = await resolveKnnOptions(options);
  const scores = await knnVotes(setup);
  const { top1Hits, top5Hits, predictions } = scoreRanks(scores, setup.testLabels, setup.numClasses);
  const m = setup.testLabels.length;
  return { top1: top1Hits / m, top5: top5Hits / m, predictions };
}

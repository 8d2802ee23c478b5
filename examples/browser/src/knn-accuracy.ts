import type { Dataset } from '@simclr/data';
import { extractFeatures, knnEvaluate } from '@simclr/eval';
import type { SimCLRModel } from '@simclr/models';
import { firstN } from './fashion-mnist.js';

/** How many images the kNN check uses. */
export interface KnnSizes {
  /** Labelled training images whose features vote (the memory bank). */
  bank: number;
  /** Test images classified. */
  queries: number;
}

/** The default sizes of the kNN check, and its k. */
export const KNN = {
  bank: 1000,
  queries: 500,
  /** Neighbours that vote. */
  k: 20,
} as const;

/** Images embedded per call of the encoder. */
const FEATURE_BATCH = 250;

/**
 * The kNN monitor of self-supervised training: h of the first `sizes.bank` training images votes
 * (weighted by cosine similarity, k = 20) for the class of each of the first `sizes.queries` test
 * images (by default {@link KNN.bank} and {@link KNN.queries}). Returns the top-1 accuracy; chance is 0.1
 * on Fashion-MNIST's 10 balanced classes.
 */
export async function knnAccuracy(
  model: SimCLRModel,
  train: Dataset,
  test: Dataset,
  sizes: KnnSizes = KNN,
): Promise<number> {
  const bank = await extractFeatures(model, firstN(train, sizes.bank), { batchSize: FEATURE_BATCH });
  try {
    const queries = await extractFeatures(model, firstN(test, sizes.queries), { batchSize: FEATURE_BATCH });
    try {
      const result = await knnEvaluate({
        trainFeatures: bank.features,
        trainLabels: bank.labels,
        testFeatures: queries.features,
        testLabels: queries.labels,
        k: KNN.k,
      });
      return result.top1;
    } finally {
      queries.features.dispose();
    }
  } finally {
    bank.features.dispose();
  }
}

import type { Dataset } from '@simclr/data';
import { extractFeatures, knnEvaluate } from '@simclr/eval';
import type { SimCLRModel } from '@simclr/models';
import { firstN } from './fashion-mnist.js';

/** Sizes of the kNN check. */
export const KNN = {
  /** Labelled training images whose features vote (the memory bank). */
  bank: 1000,
  /** Test images classified. */
  queries: 500,
  /** Neighbours that vote. */
  k: 20,
} as const;

/**
 * The kNN monitor of self-supervised training: h of the first {@link KNN.bank} training images votes
 * (weighted by cosine similarity, k = 20) for the class of each of the first {@link KNN.queries} test
 * images. Returns the top-1 accuracy; chance is 0.1 on Fashion-MNIST's 10 balanced classes.
 */
export async function knnAccuracy(model: SimCLRModel, train: Dataset, test: Dataset): Promise<number> {
  const bank = await extractFeatures(model, firstN(train, KNN.bank), { batchSize: 250 });
  try {
    const queries = await extractFeatures(model, firstN(test, KNN.queries), { batchSize: 250 });
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

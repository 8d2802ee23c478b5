import type { ImageBatch } from '@simclr/core';
import { SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import type * as tf from '@tensorflow/tfjs-core';
import { confusionMatrix } from '../confusion-matrix.js';
import { scoreRanks } from './score-ranks.js';

/** Top-1, top-5 and the confusion matrix of a classifier on a labelled dataset. */
export interface ClassifierScore {
  /** Fraction of examples whose label has the highest logit. */
  top1: number;
  /** Fraction whose label is among the 5 highest logits (all, with fewer than 5 classes). */
  top5: number;
  /** `confusion[t][p]`: examples of class t predicted as p. */
  confusion: number[][];
}

/** Scores `logitsOf` (images → `[N, numClasses]`) on every example of `dataset`, a batch at a time. */
export async function scoreDataset(
  dataset: Dataset,
  logitsOf: (images: ImageBatch) => tf.Tensor2D,
  numClasses: number,
  batchSize: number,
  name: string,
): Promise<ClassifierScore> {
  const labels: number[] = [];
  const predictions: number[] = [];
  let top1Hits = 0;
  let top5Hits = 0;
  for await (const batch of dataset.batches({ batchSize, dropLast: false })) {
    try {
      if (batch.labels === undefined) throw new SimclrError(`${name} must have labels`);
      const logits = logitsOf(batch.images);
      let scores: ArrayLike<number>;
      try {
        scores = await logits.data();
      } finally {
        logits.dispose();
      }
      const batchLabels = (await batch.labels.data()) as Int32Array;
      const ranks = scoreRanks(scores, batchLabels, numClasses);
      top1Hits += ranks.top1Hits;
      top5Hits += ranks.top5Hits;
      labels.push(...batchLabels);
      predictions.push(...ranks.predictions);
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
    }
  }
  return {
    top1: top1Hits / labels.length,
    top5: top5Hits / labels.length,
    confusion: confusionMatrix(labels, predictions, numClasses),
  };
}

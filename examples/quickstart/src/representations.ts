import type { Dataset } from '@simclr/data';
import { extractFeatures, type Features, scoreRepresentation } from '@simclr/eval';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** kNN and linear-evaluation accuracies of one representation on the test split. */
export interface Scores {
  knnTop1: number;
  knnTop5: number;
  linearTop1: number;
  linearTop5: number;
  confusion: number[][];
  /** L-BFGS iterations the linear probe ran, and whether its gradient reached the tolerance. */
  linearIterations: number;
  linearConverged: boolean;
}

/** L-BFGS iterations of the linear evaluation, at most (`linearEvaluate`'s default). */
export const LINEAR_MAX_ITERATIONS = 1000;

/** Scores features of the training and test splits with the weighted kNN (k 200, τ 0.1) and linear evaluation. */
export async function score(train: Features, test: Features): Promise<Scores> {
  const { knn, linear } = await scoreRepresentation({
    train,
    test,
    linear: { maxIterations: LINEAR_MAX_ITERATIONS },
  });
  return {
    knnTop1: knn.top1,
    knnTop5: knn.top5,
    linearTop1: linear.top1,
    linearTop5: linear.top5,
    confusion: linear.confusion,
    linearIterations: linear.iterations,
    linearConverged: linear.converged,
  };
}

/** h of every image of `dataset` through `encoder`. */
export function encoderFeatures(encoder: tfl.LayersModel, dataset: Dataset): Promise<Features> {
  return extractFeatures(encoder, dataset, { batchSize: 500 });
}

/** The raw pixels of every image of `dataset`, flattened: the no-learning baseline. */
export function pixelFeatures(dataset: Dataset): Promise<Features> {
  return extractFeatures((images) => tf.reshape(images, [images.shape[0], -1]) as tf.Tensor2D, dataset, {
    batchSize: 1000,
  });
}

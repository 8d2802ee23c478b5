import { optionsObject } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { type AnchorRange, assertAnchors, reduceAnchors } from './internal/anchors.js';
import { pairLogits } from './internal/pair-logits.js';
import { assertPair } from './internal/validate.js';

/** Options of {@link contrastiveAccuracy}. */
export interface ContrastiveAccuracyOptions {
  /**
   * Only the views of images `start … end − 1` are anchors; the result is their terms summed and divided by
   * 2N, so disjoint ranges add up to the whole batch's accuracy (see {@link AnchorRange}). Default: every view.
   */
  anchors?: AnchorRange;
}

/**
 * The fraction of the 2N views whose positive (the other view of the same image) is the top-1 by cosine
 * similarity among the 2N − 1 other views: the accuracy of the classification task NT-Xent trains.
 * A negative that ties with the positive counts as a miss, so a collapsed batch scores 0, not 1.
 *
 * Returns a scalar in [0, 1]. Not differentiable (it counts).
 *
 * @throws SimclrError when the shapes differ, N < 2, or an embedding holds NaN or Infinity.
 */
export function contrastiveAccuracy(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  options: ContrastiveAccuracyOptions = {},
): tf.Scalar {
  optionsObject(options);
  const { anchors } = options;
  assertPair(z1, z2);
  assertAnchors(anchors, z1.shape[0]);
  return tf.tidy(() => {
    const { logits, positive, negativeMask } = pairLogits(z1, z2, true, 1, anchors);
    const atLeastAsClose = tf.mul(
      tf.cast(tf.greaterEqual(logits, tf.expandDims(positive, 1)), 'float32'),
      negativeMask,
    );
    const hit = tf.cast(tf.equal(tf.sum(atLeastAsClose, 1), 0), 'float32');
    return reduceAnchors(hit as tf.Tensor1D, z1.shape[0], anchors);
  });
}

import { assertBoolean, assertNumber, optionsObject } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { type AnchorRange, assertAnchors, reduceAnchors } from './internal/anchors.js';
import { perAnchorMean, semiHardMask } from './internal/negatives.js';
import { pairLogits } from './internal/pair-logits.js';
import { assertPair } from './internal/validate.js';

/** Options of {@link marginTriplet}. */
export interface MarginTripletOptions {
  /** Margin m by which the positive's similarity should beat each negative's; must be >= 0. Default: 0.5. */
  margin?: number;
  /** L2-normalise each embedding first, so similarities are cosines, as in the paper. Default: true. */
  normalize?: boolean;
  /** Keep only the negatives less similar to the anchor than its positive (semi-hard mining, the paper's "sh"). Default: false. */
  semiHard?: boolean;
  /**
   * Only the views of images `start … end − 1` are anchors; the result is their terms summed and divided by
   * 2N, so disjoint ranges add up to the whole batch's loss (see {@link AnchorRange}). Default: every view.
   */
  anchors?: AnchorRange;
}

/**
 * Margin triplet loss of SimCLR's Table 2: max(sim(u, v⁻) − sim(u, v⁺) + m, 0).
 *
 * Each of the 2N views is an anchor, as in {@link ntXent}; its loss is the mean of the hinge over its
 * 2(N − 1) negatives (or over the semi-hard ones; none selected adds 0), and the result is the mean over
 * anchors.
 *
 * @throws SimclrError when the shapes differ, N < 2, an embedding holds NaN or Infinity, or m < 0.
 */
export function marginTriplet(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  options: MarginTripletOptions = {},
): tf.Scalar {
  optionsObject(options);
  const { margin = 0.5, normalize = true, semiHard = false, anchors } = options;
  assertNumber(margin, 'margin', { min: 0 });
  assertBoolean(normalize, 'normalize');
  assertBoolean(semiHard, 'semiHard');
  assertPair(z1, z2);
  assertAnchors(anchors, z1.shape[0]);
  return tf.tidy(() => {
    const { logits, positive, negativeMask } = pairLogits(z1, z2, normalize, 1, anchors);
    const mask = semiHard ? semiHardMask(logits, positive, negativeMask) : negativeMask;
    const hinge = tf.relu(tf.add(tf.sub(logits, tf.expandDims(positive, 1)), margin)) as tf.Tensor2D;
    return reduceAnchors(perAnchorMean(hinge, mask) as tf.Tensor1D, z1.shape[0], anchors);
  });
}

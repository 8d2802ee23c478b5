import { assertBoolean, assertNumber, optionsObject } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { type AnchorRange, assertAnchors, reduceAnchors } from './internal/anchors.js';
import { perAnchorMean, semiHardMask } from './internal/negatives.js';
import { pairLogits } from './internal/pair-logits.js';
import { assertPair } from './internal/validate.js';
import { NT_XENT_TEMPERATURE } from './temperature.js';

/** Options of {@link ntLogistic}. */
export interface NtLogisticOptions {
  /** Temperature τ that divides the similarities; must be > 0. Default: {@link NT_XENT_TEMPERATURE} (0.5; the paper tunes τ per loss). */
  temperature?: number;
  /** L2-normalise each embedding first, as the paper does for every loss it compares. Default: true. */
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
 * NT-Logistic, the normalised temperature-scaled logistic loss of SimCLR's Table 2:
 * −log σ(sim(u, v⁺)/τ) − log σ(−sim(u, v⁻)/τ).
 *
 * Each of the 2N views is an anchor, as in {@link ntXent}; its loss is the positive term plus the mean of
 * the negative term over its 2(N − 1) negatives (or over the semi-hard ones; none selected adds 0), and
 * the result is the mean over anchors. Averaging the negatives keeps the two terms on the same scale at
 * any batch size.
 *
 * @throws SimclrError when the shapes differ, N < 2, an embedding holds NaN or Infinity, or τ <= 0.
 */
export function ntLogistic(z1: tf.Tensor2D, z2: tf.Tensor2D, options: NtLogisticOptions = {}): tf.Scalar {
  optionsObject(options);
  const { temperature = NT_XENT_TEMPERATURE, normalize = true, semiHard = false, anchors } = options;
  assertNumber(temperature, 'temperature', { min: 0, exclusiveMin: true });
  assertBoolean(normalize, 'normalize');
  assertBoolean(semiHard, 'semiHard');
  assertPair(z1, z2);
  assertAnchors(anchors, z1.shape[0]);
  return tf.tidy(() => {
    const { logits, positive, negativeMask } = pairLogits(z1, z2, normalize, temperature, anchors);
    const mask = semiHard ? semiHardMask(logits, positive, negativeMask) : negativeMask;
    // −log σ(x) = softplus(−x), which tfjs evaluates without overflow.
    const positiveTerm = tf.softplus(tf.neg(positive));
    const negativeTerm = perAnchorMean(tf.softplus(logits), mask);
    return reduceAnchors(tf.add(positiveTerm, negativeTerm) as tf.Tensor1D, z1.shape[0], anchors);
  });
}

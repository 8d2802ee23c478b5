import { assertBoolean, assertNumber, optionsObject } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { type AnchorRange, assertAnchors, reduceAnchors } from './internal/anchors.js';
import { log1p } from './internal/log1p.js';
import { pairLogits } from './internal/pair-logits.js';
import { assertPair } from './internal/validate.js';
import { NT_XENT_TEMPERATURE } from './temperature.js';

/** Options of {@link ntXent}. */
export interface NtXentOptions {
  /** Temperature τ that divides the similarities; must be > 0. Default: {@link NT_XENT_TEMPERATURE} (0.5). */
  temperature?: number;
  /** L2-normalise each embedding first, so similarities are cosines (the paper's `sim`). Default: true. */
  normalize?: boolean;
  /**
   * Only the views of images `start … end − 1` are anchors; the result is their terms summed and divided by
   * 2N, so disjoint ranges add up to the whole batch's loss (see {@link AnchorRange}). Default: every view.
   */
  anchors?: AnchorRange;
}

/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (Chen et al. 2020, eq. 1).
 *
 * Row i of `z1` and row i of `z2` are the projections of two views of image i. The 2N views are each an
 * anchor once; an anchor's positive is the other view of its image and its negatives are the 2(N − 1)
 * views of the other images (its similarity with itself is left out):
 *
 *     ℓ(i) = −log( exp(sim(i, pos(i))/τ) / Σ_{k≠i} exp(sim(i, k)/τ) ),   loss = (1/2N) Σ_i ℓ(i)
 *
 * The log-sum-exp is computed stably and without cancellation, so the loss keeps its relative precision
 * even when it is close to 0. Returns a scalar; differentiable with respect to both inputs.
 *
 * The official TensorFlow implementation (`objective.py` of google-research/simclr) returns twice this
 * value: it adds the mean over the N anchors of `z1` to the mean over the N anchors of `z2`, where this
 * function takes the mean over all 2N. Multiply by 2 (or double the learning rate of plain SGD) to
 * reproduce its numbers.
 *
 * @throws SimclrError when the shapes differ, N < 2, an embedding holds NaN or Infinity, or τ <= 0.
 */
export function ntXent(z1: tf.Tensor2D, z2: tf.Tensor2D, options: NtXentOptions = {}): tf.Scalar {
  optionsObject(options);
  const { temperature = NT_XENT_TEMPERATURE, normalize = true, anchors } = options;
  assertNumber(temperature, 'temperature', { min: 0, exclusiveMin: true });
  assertBoolean(normalize, 'normalize');
  assertPair(z1, z2);
  assertAnchors(anchors, z1.shape[0]);
  return tf.tidy(() => {
    const { logits, positive, negativeMask } = pairLogits(z1, z2, normalize, temperature, anchors);
    // ℓ(i) = log(1 + Σ_neg exp(d_k)) with margins d_k = s_k − s_pos. Written as lse − s_pos it would lose
    // every digit below float32's resolution of the logits (≈ 1e-6 at 1/τ = 20) to cancellation, which is
    // all of the loss once the positive dominates. With the shift m = max(0, max_neg d_k):
    //   ℓ = m + log1p(expm1(−m) + Σ_neg exp(d_k − m)).
    const margins = tf.sub(logits, tf.expandDims(positive, 1));
    const shift = tf.max(tf.mul(tf.relu(margins), negativeMask), 1, true);
    // min(·, 0) only changes masked-out entries (self-similarity can exceed the shift and overflow exp).
    const scaled = tf.exp(tf.minimum(tf.sub(margins, shift), 0));
    const negatives = tf.sum(tf.mul(scaled, negativeMask), 1);
    const m = tf.squeeze(shift, [1]);
    const perAnchor = tf.add(m, log1p(tf.add(tf.expm1(tf.neg(m)), negatives)));
    return reduceAnchors(perAnchor as tf.Tensor1D, z1.shape[0], anchors);
  });
}

import { assertBoolean, assertNumber, optionsObject } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from './internal/normalize.js';
import { assertPair } from './internal/validate.js';

/** Options of {@link alignment}. */
export interface AlignmentOptions {
  /** Exponent α of the distance; must be > 0. Default: 2. */
  alpha?: number;
  /** L2-normalise each embedding first; the metric is defined on the unit hypersphere. Default: true. */
  normalize?: boolean;
}

/**
 * Alignment (Wang & Isola 2020): E ‖f(x) − f(y)‖₂^α over positive pairs, here the rows of `z1` and `z2`.
 * Lower is better. Returns a scalar; differentiable, and usable as a loss term.
 *
 * With α < 2 the gradient at a pair of identical embeddings is infinite, as the formula's is.
 *
 * @throws SimclrError when the shapes differ, N < 2, an embedding holds NaN or Infinity, or α <= 0.
 */
export function alignment(z1: tf.Tensor2D, z2: tf.Tensor2D, options: AlignmentOptions = {}): tf.Scalar {
  optionsObject(options);
  const { alpha = 2, normalize = true } = options;
  assertNumber(alpha, 'alpha', { min: 0, exclusiveMin: true });
  assertBoolean(normalize, 'normalize');
  assertPair(z1, z2);
  return tf.tidy(() => {
    const a = normalize ? l2Normalize(z1) : z1;
    const b = normalize ? l2Normalize(z2) : z2;
    const squared = tf.sum(tf.square(tf.sub(a, b)), 1);
    // α = 2 skips the power, whose gradient would be 0 · log(0) = NaN at identical pairs.
    return tf.mean(alpha === 2 ? squared : tf.pow(squared, alpha / 2)) as tf.Scalar;
  });
}

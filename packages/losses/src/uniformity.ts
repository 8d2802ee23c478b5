import { assertBoolean, assertNumber, optionsObject } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { maskedLogSumExp } from './internal/masked-log-sum-exp.js';
import { l2Normalize } from './internal/normalize.js';
import { assertEmbeddings } from './internal/validate.js';

/** Options of {@link uniformity}. */
export interface UniformityOptions {
  /** Scale t of the Gaussian potential; must be > 0. Default: 2. */
  t?: number;
  /** L2-normalise each embedding first; the metric is defined on the unit hypersphere. Default: true. */
  normalize?: boolean;
}

/**
 * Uniformity (Wang & Isola 2020): log E exp(−t ‖f(x) − f(y)‖₂²) over all pairs of distinct rows of `z`.
 * Lower (more negative) is better. Computed as a log-sum-exp, so it stays finite when every pair is far
 * apart. Returns a scalar; differentiable, and usable as a loss term.
 *
 * @throws SimclrError when `z` is not `[M, D]` with M >= 2, holds NaN or Infinity, or t <= 0.
 */
export function uniformity(z: tf.Tensor2D, options: UniformityOptions = {}): tf.Scalar {
  optionsObject(options);
  const { t = 2, normalize = true } = options;
  assertNumber(t, 't', { min: 0, exclusiveMin: true });
  assertBoolean(normalize, 'normalize');
  assertEmbeddings(z, 'z');
  const m = z.shape[0];
  return tf.tidy(() => {
    const u = normalize ? l2Normalize(z) : z;
    const sq = tf.sum(tf.square(u), 1);
    // ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b, clamped at 0 against rounding.
    const dist = tf.relu(
      tf.sub(tf.add(tf.expandDims(sq, 1), tf.expandDims(sq, 0)), tf.mul(2, tf.matMul(u, u, false, true))),
    );
    // Each unordered pair appears twice among the ordered ones, so the mean is the same.
    const flat = tf.reshape(tf.mul(-t, dist), [1, m * m]) as tf.Tensor2D;
    const others = tf.reshape(tf.sub(1, tf.eye(m)), [1, m * m]) as tf.Tensor2D;
    return tf.sub(tf.squeeze(maskedLogSumExp(flat, others)), Math.log(m * (m - 1))) as tf.Scalar;
  });
}

import * as tf from '@tensorflow/tfjs-core';

/** Squared norm floor: rows shorter than 1e-12 are divided by 1e-12, as `torch.nn.functional.normalize` does. */
const MIN_SQUARED_NORM = 1e-24;

/**
 * Scales each row of `z` to unit L2 norm. A floor on the squared norm (rather than on the norm) keeps the
 * gradient finite for an all-zero row, where the derivative of `sqrt` is infinite.
 */
export function l2Normalize(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const squared = tf.sum(tf.square(z), 1, true);
    return tf.mul(z, tf.rsqrt(tf.maximum(squared, MIN_SQUARED_NORM)));
  });
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * Row-wise log Σ_k mask_ik · exp(x_ik) over the entries where the 0/1 `mask` is 1 (at least one per row),
 * shifted by the masked row maximum so nothing overflows. Masked-out entries may hold any finite value.
 */
export function maskedLogSumExp(x: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    // Masked-out entries are replaced by the row minimum, which can never exceed the masked maximum.
    const rowMin = tf.min(x, 1, true);
    const shift = tf.max(tf.add(tf.mul(x, mask), tf.mul(rowMin, tf.sub(1, mask))), 1, true);
    // min(·, 0) only matters for masked-out entries above the shift, whose exp could overflow to Infinity.
    const terms = tf.mul(tf.exp(tf.minimum(tf.sub(x, shift), 0)), mask);
    return tf.add(tf.squeeze(shift, [1]), tf.log(tf.sum(terms, 1))) as tf.Tensor1D;
  });
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * Narrows `negativeMask` to the semi-hard negatives: those strictly less similar to the anchor than its
 * positive. Built with `step`, because tfjs cannot differentiate through a comparison kernel even when
 * only its 0/1 output is used.
 */
export function semiHardMask(
  logits: tf.Tensor2D,
  positive: tf.Tensor1D,
  negativeMask: tf.Tensor2D,
): tf.Tensor2D {
  return tf.tidy(
    () => tf.mul(negativeMask, tf.step(tf.sub(tf.expandDims(positive, 1), logits))) as tf.Tensor2D,
  );
}

/** Row-wise mean of `values` over the entries where the 0/1 `mask` is 1; 0 for a row with none. */
export function perAnchorMean(values: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(
    () => tf.div(tf.sum(tf.mul(values, mask), 1), tf.maximum(tf.sum(mask, 1), 1)) as tf.Tensor1D,
  );
}

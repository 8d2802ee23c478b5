import * as tf from '@tensorflow/tfjs-core';

/**
 * u = z/|z| per row, at any finite scale. Each row is first divided by its largest absolute entry, so
 * the sum of squares lies in [1, d] and can neither overflow (rows of 1e19 in float32) nor underflow
 * (rows of 1e-20); the gradient, (dy − u·(u·dy)) / |z|, is written out so that it is taken at that
 * scale too. An all-zero row stays zero and passes its gradient through unchanged.
 */
const normalizeRows = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const largest = tf.max(tf.abs(z), 1, true);
  const scale = tf.where(tf.greater(largest, 0), largest, tf.onesLike(largest));
  const scaled = tf.div(z, scale);
  // ≥ 1 for every nonzero row (its largest entry is ±1 now); the floor only lifts all-zero rows.
  const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(scaled), 1, true), 1));
  const u = tf.div(scaled, norm);
  const length = tf.mul(scale, norm);
  save([u, length]);
  return {
    value: u,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [unit, len] = saved as [tf.Tensor, tf.Tensor];
      const grad = dy as tf.Tensor;
      return tf.div(tf.sub(grad, tf.mul(unit, tf.sum(tf.mul(unit, grad), 1, true))), len);
    },
  };
});

/**
 * Scales each row of `z` to unit L2 norm at any finite scale: cosine similarity is scale-free, and so is
 * this. Unlike `torch.nn.functional.normalize`, whose floor of 1e-12 on the norm leaves shorter rows
 * shorter than unit length, every nonzero row comes out at unit length. An all-zero row stays zero,
 * with a finite gradient.
 */
export function l2Normalize(z: tf.Tensor2D): tf.Tensor2D {
  return normalizeRows(z) as tf.Tensor2D;
}

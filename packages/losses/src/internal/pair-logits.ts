import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from './normalize.js';

/** The similarities of the 2N views of a batch, with masks that pick each anchor's positive and negatives. */
export interface PairLogits {
  /** `[2N, 2N]`: similarity of view i with view k, divided by the scale (self-similarities included). */
  logits: tf.Tensor2D;
  /** `[2N]`: each view's similarity with the other view of its image, read from `logits`. */
  positive: tf.Tensor1D;
  /** `[2N, 2N]`: 1 where view k is a negative of view i (a view of another image), else 0. */
  negativeMask: tf.Tensor2D;
}

/**
 * Stacks `z1` over `z2` into the 2N views (view i and view i + N are the two views of image i),
 * optionally L2-normalises them, and returns their dot products divided by `scale`.
 *
 * Entries that are not negatives are masked by multiplying with 0/1 masks, never by -Infinity or a
 * large constant: that keeps every value finite on every backend, whatever the scale of the logits.
 */
export function pairLogits(z1: tf.Tensor2D, z2: tf.Tensor2D, normalize: boolean, scale: number): PairLogits {
  const n = z1.shape[0];
  return tf.tidy(() => {
    const stacked = tf.concat([z1, z2], 0);
    const views = normalize ? l2Normalize(stacked) : stacked;
    const logits = tf.div(tf.matMul(views, views, false, true), scale) as tf.Tensor2D;
    const eye = tf.eye(n);
    const zeros = tf.zeros([n, n]);
    // Row i < N has its positive at column i + N, row i >= N at column i - N.
    const partner = tf.concat([tf.concat([zeros, eye], 1), tf.concat([eye, zeros], 1)], 0);
    // Read from the same matrix, so a positive and a negative with equal similarity compare equal.
    const positive = tf.sum(tf.mul(logits, partner), 1) as tf.Tensor1D;
    const negativeMask = tf.sub(tf.sub(1, tf.eye(2 * n)), partner) as tf.Tensor2D;
    return { logits, positive, negativeMask };
  });
}

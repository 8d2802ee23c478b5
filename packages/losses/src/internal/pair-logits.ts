import * as tf from '@tensorflow/tfjs-core';
import type { AnchorRange } from './anchors.js';
import { l2Normalize } from './normalize.js';

/** The similarity logits of the anchors against every view, and where each anchor's positive is. */
export interface PairLogits {
  /** `[A, 2N]`: anchor a against view k (rows: the anchors of z1, then those of z2). */
  logits: tf.Tensor2D;
  /** `[A]`: each anchor's logit with its positive (the other view of its image). */
  positive: tf.Tensor1D;
  /** `[A, 2N]`: 1 where view k is a negative of anchor a (neither itself nor its positive). */
  negativeMask: tf.Tensor2D;
}

/**
 * The pair logits of the 2N views `[z1; z2]` divided by `scale`, after L2 normalisation when asked; the
 * anchors are all 2N views, or the views of the images in `anchors`.
 */
export function pairLogits(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  normalize: boolean,
  scale: number,
  anchors?: AnchorRange,
): PairLogits {
  const n = z1.shape[0];
  const { start, end } = anchors ?? { start: 0, end: n };
  const k = end - start;
  return tf.tidy(() => {
    const stacked = tf.concat([z1, z2], 0);
    const views = normalize ? l2Normalize(stacked) : stacked;
    const rows =
      anchors === undefined ? views : tf.concat([tf.slice(views, start, k), tf.slice(views, n + start, k)]);
    const logits = tf.div(tf.matMul(rows, views, false, true), scale) as tf.Tensor2D;
    // Anchor row a is view v(a) (start…end−1, then n+start…n+end−1); its positive is view v(a) ± n.
    const self = new Float32Array(2 * k * 2 * n);
    const partner = new Float32Array(2 * k * 2 * n);
    for (let i = 0; i < k; i++) {
      self[i * 2 * n + start + i] = 1;
      self[(k + i) * 2 * n + n + start + i] = 1;
      partner[i * 2 * n + n + start + i] = 1;
      partner[(k + i) * 2 * n + start + i] = 1;
    }
    const partnerMask = tf.tensor2d(partner, [2 * k, 2 * n]);
    // Read from the same matrix, so a positive and a negative with equal similarity compare equal.
    const positive = tf.sum(tf.mul(logits, partnerMask), 1) as tf.Tensor1D;
    const negativeMask = tf.sub(tf.sub(1, tf.tensor2d(self, [2 * k, 2 * n])), partnerMask) as tf.Tensor2D;
    return { logits, positive, negativeMask };
  });
}

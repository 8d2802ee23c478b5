import {
  assertBoolean,
  assertDtype,
  assertNumber,
  assertRank,
  optionsObject,
  SimclrError,
  valueChecksEnabled,
} from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { maskedLogSumExp } from './internal/masked-log-sum-exp.js';
import { l2Normalize } from './internal/normalize.js';
import { assertEmbeddings } from './internal/validate.js';
import { SUP_CON_TEMPERATURE } from './temperature.js';

/** Options of {@link supCon}. */
export interface SupConOptions {
  /** Temperature τ that divides the similarities; must be > 0. Default: {@link SUP_CON_TEMPERATURE} (0.1). */
  temperature?: number;
  /** L2-normalise each embedding first, so similarities are cosines. Default: true. */
  normalize?: boolean;
}

/**
 * Supervised contrastive loss, L_out of Khosla et al. 2020 (eq. 2): every embedding with the same label
 * as the anchor is a positive, every other one a negative, and the anchor's log-probabilities of its
 * positives are averaged:
 *
 *     ℓ(i) = −(1/|P(i)|) Σ_{p∈P(i)} log( exp(s_ip/τ) / Σ_{a≠i} exp(s_ia/τ) ),  loss = mean over anchors with |P(i)| > 0
 *
 * `z` holds all views stacked (e.g. `tf.concat([z1, z2])` with the labels repeated); with labels
 * `[0 … N−1, 0 … N−1]` it equals {@link ntXent}. Anchors without a positive are left out of the mean;
 * the reference PyTorch code counts them as 0 and also scales the loss by τ / 0.07.
 *
 * @param labels int32 class labels, one per row of `z`.
 * @throws SimclrError for a bad `z`, labels of the wrong length or dtype, no two equal labels, or τ <= 0.
 */
export function supCon(z: tf.Tensor2D, labels: tf.Tensor1D, options: SupConOptions = {}): tf.Scalar {
  optionsObject(options);
  const { temperature = SUP_CON_TEMPERATURE, normalize = true } = options;
  assertNumber(temperature, 'temperature', { min: 0, exclusiveMin: true });
  assertBoolean(normalize, 'normalize');
  assertEmbeddings(z, 'z');
  assertRank(labels, 1, 'labels');
  assertDtype(labels, 'int32', 'labels');
  const m = z.shape[0];
  if (labels.shape[0] !== m) {
    throw new SimclrError(`labels must hold one label per row of z (${m}), got ${labels.shape[0]} labels`);
  }
  // A read-back of the labels: skipped with the value checks off (`withValueChecks`), as in pretraining,
  // where both views of an image share its label.
  if (valueChecksEnabled() && new Set(labels.dataSync()).size === m) {
    throw new SimclrError(
      'supCon: labels must give at least one anchor a positive (two equal labels), got all distinct',
    );
  }
  return tf.tidy(() => {
    const u = normalize ? l2Normalize(z) : z;
    const logits = tf.div(tf.matMul(u, u, false, true), temperature) as tf.Tensor2D;
    const others = tf.sub(1, tf.eye(m)) as tf.Tensor2D;
    const lse = maskedLogSumExp(logits, others);
    const sameLabel = tf.cast(tf.equal(tf.expandDims(labels, 1), tf.expandDims(labels, 0)), 'float32');
    const positives = tf.mul(sameLabel, others);
    const count = tf.sum(positives, 1);
    // Σ_p log-prob(i, p) = Σ_p s_ip − |P(i)| · lse_i
    const positiveLogits = tf.sum(tf.mul(logits, positives), 1);
    const meanLogProb = tf.div(tf.sub(positiveLogits, tf.mul(count, lse)), tf.maximum(count, 1));
    const hasPositive = tf.minimum(count, 1);
    return tf.neg(tf.div(tf.sum(tf.mul(meanLogProb, hasPositive)), tf.sum(hasPositive))) as tf.Scalar;
  });
}

import * as tf from '@tensorflow/tfjs-core';

/** A per-feature mean and scale, each `[1, D]`. */
export interface FeatureScaling {
  mean: tf.Tensor;
  scale: tf.Tensor;
}

/**
 * The mean and standard deviation of every column of `x`, as scikit-learn's `StandardScaler` computes
 * them: a column that is constant keeps scale 1, so it is only centred instead of divided by 0.
 */
export function featureScaling(x: tf.Tensor2D): FeatureScaling {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, 0, true);
    const std = tf.sqrt(variance);
    const constant = tf.lessEqual(std, tf.mul(1e-6, tf.maximum(tf.abs(mean), 1)));
    return { mean, scale: tf.where(constant, tf.onesLike(std), std) };
  });
}

/** Returns x standardised with `scaling`, or x itself when there is none. */
export function standardise(x: tf.Tensor2D, scaling: FeatureScaling | null): tf.Tensor2D {
  return scaling === null ? x : tf.tidy(() => tf.div(tf.sub(x, scaling.mean), scaling.scale) as tf.Tensor2D);
}

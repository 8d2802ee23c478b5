import * as tf from '@tensorflow/tfjs-core';

/** Below this, a 6-term series is accurate to 2e-7 relative; above it, log(1 + x) loses < 7e-7. */
const SERIES_LIMIT = 0.1;

/**
 * log(1 + x) for x >= 0, accurate to float32 precision on every backend. `tf.log1p` is computed as
 * log(1 + x) by the wasm backend (log1p(1e-8) = 0, log1p(1e-4) off by 1e-4 relative), which is exactly
 * the regime where NT-Xent needs it.
 */
export function log1p(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // Clamped so the discarded branch stays finite: 0 · Infinity would put NaN into the gradient.
    const t = tf.minimum(x, SERIES_LIMIT);
    let series: tf.Tensor = tf.scalar(-1 / 6);
    for (const c of [1 / 5, -1 / 4, 1 / 3, -1 / 2, 1]) series = tf.add(c, tf.mul(t, series));
    // A blend by `step` rather than `tf.where(tf.less(…))`: comparison kernels have no gradient, and tfjs
    // refuses to differentiate through a graph where one lies between the input and the output.
    const useSeries = tf.step(tf.sub(SERIES_LIMIT, x));
    return tf.add(tf.mul(useSeries, tf.mul(t, series)), tf.mul(tf.sub(1, useSeries), tf.log(tf.add(1, x))));
  });
}

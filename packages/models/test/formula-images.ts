import * as tf from '@tensorflow/tfjs-core';

/** A deterministic `[n, 12, 12, 3]` ImageBatch that another process can rebuild exactly. */
export function formulaImages(n: number): tf.Tensor4D {
  const size = n * 12 * 12 * 3;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = 0.5 + 0.5 * Math.sin(0.013 * i * i + 0.7 * i);
  return tf.tensor4d(values, [n, 12, 12, 3]);
}

import { expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { embeddingPair } from './inputs.js';
import { numericGradient } from './numeric-gradient.js';
import { type Rows, rows } from './reference.js';

/**
 * Checks a pair loss on the shared N×d inputs: its value against the float64 `reference` to 1e-5
 * relative, and its gradient at a few entries against central differences of the reference.
 */
export function expectMatchesReference(
  loss: (z1: tf.Tensor2D, z2: tf.Tensor2D) => tf.Scalar,
  reference: (z1: Rows, z2: Rows) => number,
  n: number,
  d: number,
): void {
  const { z1: a, z2: b } = embeddingPair(n, d);
  const { value, grad } = tf.tidy(() => {
    const r = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => loss(x as tf.Tensor2D, y as tf.Tensor2D))([
      tf.tensor2d(a, [n, d]),
      tf.tensor2d(b, [n, d]),
    ]);
    return { value: r.value.dataSync()[0]!, grad: tf.concat(r.grads).dataSync() };
  });
  const f = (x: Float64Array) => reference(rows(x, n, d), rows(x.subarray(n * d), n, d));
  const both = Float64Array.from([...a, ...b]);
  expectClose(value, f(both), { atol: 0, rtol: 1e-5, label: 'loss' });
  const indices = [0, 1, d + 2, n * d - 1, n * d, 2 * n * d - 3];
  const scale = Math.max(...Array.from(grad, Math.abs));
  expectClose(
    indices.map((i) => grad[i]!),
    numericGradient(f, both, indices),
    { atol: 1e-4 * scale, label: 'gradient' },
  );
}

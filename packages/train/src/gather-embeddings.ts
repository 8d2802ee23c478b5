import * as tf from '@tensorflow/tfjs-core';
import type { Collective } from './collective.js';

/**
 * The cross-replica concat of the official SimCLR code: every replica's rows of `z` stacked in rank
 * order, `[size·n, d]`, differentiable. Each replica computes the loss terms of its own anchors over all
 * gathered rows, so the gradient of a gathered row comes from every replica: the backward pass sums the
 * replicas' gradients of the whole gathered matrix and hands each replica the rows it contributed, the
 * exact d loss / d z of its own embeddings.
 */
export function allGatherRows(z: tf.Tensor2D, collective: Collective): tf.Tensor2D {
  if (collective.size === 1) return z;
  const [n, d] = z.shape;
  const rows = n * d;
  const gather = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.tensor2d(collective.allGather((args[0] as tf.Tensor).dataSync() as Float32Array), [
      collective.size * n,
      d,
    ]),
    gradFunc: (dy: tf.Tensor) => {
      const summed = collective.allReduceSum(dy.dataSync() as Float32Array);
      return tf.tensor2d(summed.subarray(collective.rank * rows, (collective.rank + 1) * rows), [n, d]);
    },
  }));
  return gather(z) as tf.Tensor2D;
}

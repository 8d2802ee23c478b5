import * as tf from '@tensorflow/tfjs-core';
import type { Collective } from './collective.js';

/**
 * The cross-replica concat of the official SimCLR code: every replica's rows of `z` stacked in rank
 * order, `[size·n, d]`. The other replicas' rows enter as constants and this replica's own rows stay in
 * the graph, so the gradient of a loss of the result flows back to the local `z`. Every replica computes
 * the same loss of the same gathered rows, so the local gradient is the exact d loss / d z of its rows,
 * and the sum of the replicas' parameter gradients is the exact gradient of the loss.
 */
export function gatherRows(z: tf.Tensor2D, collective: Collective): tf.Tensor2D {
  if (collective.size === 1) return z;
  const [n, d] = z.shape;
  const all = collective.allGather(z.dataSync() as Float32Array);
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let r = 0; r < collective.size; r++) {
      parts.push(r === collective.rank ? z : tf.tensor2d(all.subarray(r * n * d, (r + 1) * n * d), [n, d]));
    }
    return tf.concat(parts) as tf.Tensor2D;
  });
}

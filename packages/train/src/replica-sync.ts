import { SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Collective } from './collective.js';

/** The values of `tensors`, one after the other, in one array. */
function flatten(tensors: readonly tf.Tensor[]): Float32Array {
  const out = new Float32Array(tensors.reduce((n, t) => n + t.size, 0));
  let offset = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return out;
}

/**
 * The sum over replicas of each replica's gradients, as new tensors (the inputs are disposed). Each
 * replica's gradients are those of the one replicated loss through its own rows, so the sum is the
 * gradient of that loss with respect to the shared weights.
 */
export function allReduceGradients(grads: tf.NamedTensorMap, collective: Collective): tf.NamedTensorMap {
  if (collective.size === 1) return grads;
  const names = Object.keys(grads);
  const tensors = names.map((n) => grads[n]!);
  const summed = collective.allReduceSum(flatten(tensors));
  const out: tf.NamedTensorMap = {};
  let offset = 0;
  names.forEach((name, i) => {
    const t = tensors[i]!;
    out[name] = tf.tensor(summed.subarray(offset, offset + t.size), t.shape, 'float32');
    offset += t.size;
  });
  tf.dispose(tensors);
  return out;
}

/** Replaces each variable by its mean over the replicas (batch-norm moving statistics of per-replica BN). */
export function averageVariables(variables: readonly tf.Variable[], collective: Collective): void {
  if (collective.size === 1 || variables.length === 0) return;
  const summed = collective.allReduceSum(flatten(variables));
  let offset = 0;
  for (const v of variables) {
    const values = summed.subarray(offset, offset + v.size).map((x) => x / collective.size);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
    offset += v.size;
  }
}

/** FNV-1a over the bits of every value: equal weights give equal sums, any flipped bit changes them. */
function checksum(variables: readonly tf.Variable[]): number {
  let h = 0x811c9dc5;
  for (const v of variables) {
    const bits = new Uint32Array((v.dataSync() as Float32Array).slice().buffer);
    for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Checks that every replica holds bit-identical weights, as replicas that apply the same updates must.
 *
 * @throws SimclrError naming the replicas whose weights differ from replica 0's.
 */
export function assertReplicasInSync(
  variables: readonly tf.Variable[],
  collective: Collective,
  step: number,
): void {
  if (collective.size === 1) return;
  const h = checksum(variables);
  // Two 16-bit halves, so the hash crosses a float buffer exactly.
  const all = collective.allGather(new Float32Array([h >>> 16, h & 0xffff]));
  const sums = Array.from({ length: collective.size }, (_, r) => all[2 * r]! * 65536 + all[2 * r + 1]!);
  const drifted = sums.flatMap((s, r) => (s !== sums[0] ? [r] : []));
  if (drifted.length > 0) {
    throw new SimclrError(
      `the weights of worker(s) ${drifted.join(', ')} drifted from worker 0's at step ${step} (checksums ${sums.map((s) => s.toString(16)).join(', ')}); the replicas no longer train one model`,
    );
  }
}

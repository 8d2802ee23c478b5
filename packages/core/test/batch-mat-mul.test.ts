import { createRng, type Rng } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { describeBackends } from '../../test-utils/src/index.js';
import { expectSumsClose, type RefResult } from './conv-reference.js';

const RTOL = { cpu: 1e-5, wasm: 1e-5, webgl: 1e-4, webgpu: 1e-4 } as const;

function uniform(rng: Rng, size: number): Float32Array {
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.uniform(-1, 1);
  return v;
}

/** C[b] = op(A[b])·op(B[b]) in float64, broadcasting a batch of one. */
function refMatMul(
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): RefResult {
  const [ar, ac] = aShape.slice(-2) as [number, number];
  const [br, bc] = bShape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const n = transposeB ? br : bc;
  const batchA = a.length / (ar * ac);
  const batchB = b.length / (br * bc);
  const batch = Math.max(batchA, batchB);
  const values = new Float64Array(batch * m * n);
  const absSum = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const aOff = (t % batchA) * ar * ac;
    const bOff = (t % batchB) * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        for (let p = 0; p < k; p++) {
          const av = a[aOff + (transposeA ? p * ac + i : i * ac + p)]!;
          const bv = b[bOff + (transposeB ? j * bc + p : p * bc + j)]!;
          values[(t * m + i) * n + j]! += av * bv;
          absSum[(t * m + i) * n + j]! += Math.abs(av * bv);
        }
      }
    }
  }
  return { values, absSum };
}

const CASES: Array<{ label: string; a: number[]; b: number[] }> = [
  { label: 'rank 2', a: [5, 7], b: [7, 3] },
  { label: 'rank 3, one batch', a: [1, 6, 9], b: [1, 9, 4] },
  { label: 'rank 3, two batches', a: [2, 4, 5], b: [2, 5, 3] },
  { label: 'rank 3, a batch of one broadcast against two', a: [1, 3, 6], b: [2, 6, 2] },
];

describeBackends('BatchMatMul with transposed operands', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  const rtol = RTOL[backend as keyof typeof RTOL];
  for (const { label, a: aShape, b: bShape } of CASES) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`${label}, transposeA=${transposeA}, transposeB=${transposeB} matches float64`, () => {
        const rng = createRng(31);
        const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s.at(-1)!, s.at(-2)!] : s);
        const sa = swap(aShape, transposeA);
        const sb = swap(bShape, transposeB);
        const av = uniform(
          rng,
          sa.reduce((x, y) => x * y, 1),
        );
        const bv = uniform(
          rng,
          sb.reduce((x, y) => x * y, 1),
        );
        const got = tf.tidy(() =>
          tf.matMul(tf.tensor(av, sa), tf.tensor(bv, sb), transposeA, transposeB).dataSync(),
        );
        expectSumsClose(got, refMatMul(av, sa, bv, sb, transposeA, transposeB), rtol, 'product');
      });
    }
  }

  it('a dense layer gradient (dA = dy·Bᵀ, dB = Aᵀ·dy) matches float64', () => {
    const rng = createRng(32);
    const [m, k, n] = [16, 12, 10];
    const av = uniform(rng, m * k);
    const bv = uniform(rng, k * n);
    const g = uniform(rng, m * n);
    const [da, db] = tf.tidy(() => {
      const upstream = tf.tensor2d(g, [m, n]);
      const f = tf.grads((a, b) => tf.sum(tf.mul(tf.matMul(a, b), upstream)));
      return f([tf.tensor2d(av, [m, k]), tf.tensor2d(bv, [k, n])]).map((t) => t.dataSync());
    });
    expectSumsClose(da!, refMatMul(g, [m, n], bv, [k, n], false, true), rtol, 'dA');
    expectSumsClose(db!, refMatMul(av, [m, k], g, [m, n], true, false), rtol, 'dB');
  });
});

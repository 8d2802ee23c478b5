import '@tensorflow/tfjs-backend-wasm';
import { createRng, type Rng, setupBackend } from '@simclr/core';
import { nativeStatus } from '@simclr/native';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  expectSumsClose,
  type RefConv,
  refBackpropFilter,
  refBackpropInput,
  refForward,
  refGeometry,
} from '../../core/test/conv-reference.js';

/** oneDNN accumulates in float32 in another order than the float64 reference. */
const RTOL = 1e-5;

function uniform(rng: Rng, n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.uniform(-1, 1);
  return v;
}
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Random convolutions: filters 1×1 … 7×7 (and non-square), strides 1 and 2, same/valid/explicit pads, odd channels. */
function cases(): { label: string; c: RefConv }[] {
  const rng = createRng(13);
  const out: { label: string; c: RefConv }[] = [];
  const filters: [number, number][] = [
    [1, 1],
    [3, 3],
    [7, 7],
    [3, 1],
    [1, 5],
    [2, 2],
  ];
  const channels = [1, 2, 3, 5, 7, 9, 16];
  for (const [fh, fw] of filters) {
    for (const stride of [1, 2]) {
      // A numeric pad only with square filters: tfjs sizes the output of both axes by the filter's height.
      for (const pad of fh === fw ? (['same', 'valid', 1] as const) : (['same', 'valid'] as const)) {
        const ci = channels[rng.int(channels.length)]!;
        const c: RefConv = {
          xShape: [1 + rng.int(3), fh + rng.int(9), fw + rng.int(9), ci],
          filterShape: [fh, fw, ci, channels[rng.int(channels.length)]!],
          strides: [stride, stride],
          pad,
        };
        out.push({ label: `x [${c.xShape}] filter [${c.filterShape}] stride ${stride} pad ${pad}`, c });
      }
    }
  }
  out.push({
    label: 'stride 2×1 with asymmetric explicit pads',
    c: {
      xShape: [2, 9, 7, 3],
      filterShape: [3, 3, 3, 5],
      strides: [2, 1],
      pad: [
        [0, 0],
        [2, 0],
        [0, 1],
        [0, 0],
      ],
    },
  });
  return out;
}

describe('native kernels on the wasm heap', () => {
  beforeAll(async () => {
    const status = nativeStatus();
    expect(status.available, status.reason).toBe(true);
    expect((await setupBackend('native')).name).toBe('native');
  });
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  });

  it('are active and report oneDNN', () => {
    expect(nativeStatus()).toMatchObject({
      available: true,
      active: true,
      onednn: expect.stringMatching(/^2\./),
    });
  });

  cases().forEach(({ label, c }, i) => {
    it(`Conv2D, dX and dW match float64 direct convolution: ${label}`, () => {
      const rng = createRng(100 + i);
      const { dyShape } = refGeometry(c);
      const x = uniform(rng, size(c.xShape));
      const w = uniform(rng, size(c.filterShape));
      const dy = uniform(rng, size(dyShape));
      const [y, dx, dw] = tf.tidy(() => {
        const xt = tf.tensor4d(x, c.xShape);
        const wt = tf.tensor4d(w, c.filterShape);
        const dyt = tf.tensor4d(dy, dyShape);
        return [
          tf.conv2d(xt, wt, c.strides, c.pad).dataSync(),
          tf.conv2dTranspose(dyt, wt, c.xShape, c.strides, c.pad).dataSync(),
          (
            tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: xt, dy: dyt }, {
              strides: c.strides,
              pad: c.pad,
              dataFormat: 'NHWC',
              filterShape: c.filterShape,
            } as unknown as tf.NamedAttrMap) as tf.Tensor
          ).dataSync(),
        ];
      });
      expectSumsClose(y!, refForward(c, x, w), RTOL, 'y');
      expectSumsClose(dx!, refBackpropInput(c, dy, w), RTOL, 'dX');
      expectSumsClose(dw!, refBackpropFilter(c, x, dy), RTOL, 'dW');
    });
  });

  it('FusedConv2D adds the bias and applies relu; other activations fall back to wasm', () => {
    const c: RefConv = { xShape: [2, 8, 8, 3], filterShape: [3, 3, 3, 4], strides: [2, 2], pad: 'same' };
    const rng = createRng(5);
    const x = uniform(rng, size(c.xShape));
    const w = uniform(rng, size(c.filterShape));
    const bias = uniform(rng, 4);
    const ref = refForward(c, x, w);
    const withBias = Array.from(ref.values, (v, i) => v + bias[i % 4]!);
    const [relu, elu] = tf.tidy(() => {
      const args = {
        x: tf.tensor4d(x, c.xShape),
        filter: tf.tensor4d(w, c.filterShape),
        strides: c.strides,
        pad: c.pad,
        bias: tf.tensor1d(bias),
      };
      return [
        tf.fused.conv2d({ ...args, activation: 'relu' }).dataSync(),
        tf.fused.conv2d({ ...args, activation: 'elu' }).dataSync(),
      ];
    });
    const absSum = Array.from(ref.absSum, (s, i) => s + Math.abs(bias[i % 4]!));
    expectSumsClose(
      relu!,
      { values: Float64Array.from(withBias, (v) => Math.max(v, 0)), absSum: Float64Array.from(absSum) },
      RTOL,
      'relu',
    );
    expectSumsClose(
      elu!,
      {
        values: Float64Array.from(withBias, (v) => (v > 0 ? v : Math.expm1(v))),
        absSum: Float64Array.from(absSum),
      },
      RTOL,
      'elu',
    );
  });

  it.each([
    { a: [7, 5], b: [5, 3], ta: false, tb: false },
    { a: [5, 7], b: [5, 3], ta: true, tb: false },
    { a: [7, 5], b: [3, 5], ta: false, tb: true },
    { a: [5, 7], b: [3, 5], ta: true, tb: true },
    { a: [4, 7, 5], b: [4, 5, 3], ta: false, tb: false },
    { a: [4, 5, 7], b: [1, 3, 5], ta: true, tb: true },
    { a: [2, 3, 6, 4], b: [4, 9], ta: false, tb: false },
  ])('BatchMatMul $a × $b (transposes $ta, $tb) matches float64', ({ a, b, ta, tb }) => {
    const rng = createRng(a.length * 10 + b.length);
    const av = uniform(rng, size(a));
    const bv = uniform(rng, size(b));
    const got = tf.tidy(() => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), ta, tb).dataSync());
    // float64 reference over the batches (a single matrix on one side is shared).
    const ra = a.length;
    const rb = b.length;
    const m = ta ? a[ra - 1]! : a[ra - 2]!;
    const k = ta ? a[ra - 2]! : a[ra - 1]!;
    const n = tb ? b[rb - 2]! : b[rb - 1]!;
    const batchA = size(a.slice(0, -2));
    const batchB = size(b.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    const values = new Float64Array(batch * m * n);
    const absSum = new Float64Array(batch * m * n);
    for (let p = 0; p < batch; p++) {
      const oa = (batchA === 1 ? 0 : p) * m * k;
      const ob = (batchB === 1 ? 0 : p) * k * n;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++)
          for (let q = 0; q < k; q++) {
            const t = av[oa + (ta ? q * m + i : i * k + q)]! * bv[ob + (tb ? j * k + q : q * n + j)]!;
            values[(p * m + i) * n + j]! += t;
            absSum[(p * m + i) * n + j]! += Math.abs(t);
          }
    }
    expectSumsClose(got, { values, absSum }, RTOL, 'matmul');
  });

  it('a dense layer (_FusedMatMul with bias and relu) matches float64', () => {
    const rng = createRng(9);
    const a = uniform(rng, 6 * 4);
    const b = uniform(rng, 4 * 3);
    const bias = uniform(rng, 3);
    const got = tf.tidy(() =>
      tf.fused
        .matMul({
          a: tf.tensor2d(a, [6, 4]),
          b: tf.tensor2d(b, [4, 3]),
          bias: tf.tensor1d(bias),
          activation: 'relu',
        })
        .dataSync(),
    );
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 3; j++) {
        let s = bias[j]!;
        for (let q = 0; q < 4; q++) s += a[i * 4 + q]! * b[q * 3 + j]!;
        expect(got[i * 3 + j]).toBeCloseTo(Math.max(s, 0), 5);
      }
  });

  it("setupBackend('wasm') puts the wasm kernels back, and 'native' takes over again", async () => {
    await setupBackend('wasm');
    expect(nativeStatus().active).toBe(false);
    await setupBackend('native');
    expect(nativeStatus().active).toBe(true);
  });
});

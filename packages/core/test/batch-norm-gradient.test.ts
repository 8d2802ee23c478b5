import { createRng, type Rng } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { describeBackends, expectClose } from '../../test-utils/src/index.js';
import { expectSumsClose, type RefResult } from './conv-reference.js';

const RTOL = { cpu: 1e-5, wasm: 1e-5, webgl: 1e-4, webgpu: 1e-4 } as const;
const EPSILON = 1e-3;

function uniform(rng: Rng, size: number, lo: number, hi: number): Float32Array {
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.uniform(lo, hi);
  return v;
}

/** Sums of per-element terms into per-channel results, with Σ|term| for the tolerance. */
function perChannel(size: number, channels: number, term: (i: number) => number): RefResult {
  const values = new Float64Array(channels);
  const absSum = new Float64Array(channels);
  for (let i = 0; i < size; i++) {
    const t = term(i);
    values[i % channels]! += t;
    absSum[i % channels]! += Math.abs(t);
  }
  return { values, absSum };
}

describeBackends('FusedBatchNorm gradient', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  const rtol = RTOL[backend as keyof typeof RTOL];

  for (const { label, xShape, paramShape } of [
    { label: 'rank-4 x, [C] parameters', xShape: [3, 4, 5, 6], paramShape: [6] },
    { label: 'rank-4 x, [1,1,1,C] parameters', xShape: [2, 3, 3, 5], paramShape: [1, 1, 1, 5] },
    { label: 'rank-2 x (batchNorm2d)', xShape: [7, 4], paramShape: [4] },
  ]) {
    it(`∂/∂(x, mean, variance, offset, scale) match float64: ${label}`, () => {
      const rng = createRng(11);
      const size = xShape.reduce((a, b) => a * b, 1);
      const c = xShape[xShape.length - 1]!;
      const xv = uniform(rng, size, -2, 3);
      const mv = uniform(rng, c, -1, 1);
      const vv = uniform(rng, c, 0.2, 2);
      const ov = uniform(rng, c, -1, 1);
      const sv = uniform(rng, c, 0.5, 1.5);
      const g = uniform(rng, size, -1, 1);
      const grads = tf.tidy(() => {
        const upstream = tf.tensor(g, xShape);
        const f = tf.grads((x, m, v, o, s) => tf.sum(tf.mul(tf.batchNorm(x, m, v, o, s, EPSILON), upstream)));
        const params = [mv, vv, ov, sv].map((p) => tf.tensor(p, paramShape));
        return f([tf.tensor(xv, xShape), ...params]).map((t) => t.dataSync());
      });
      const r = (i: number) => 1 / Math.sqrt(vv[i % c]! + EPSILON);
      const dxExpected = Float64Array.from(g, (gi, i) => gi * sv[i % c]! * r(i));
      expectClose(grads[0]!, dxExpected, { rtol, atol: 0, label: 'x' });
      expectSumsClose(
        grads[1]!,
        perChannel(size, c, (i) => -g[i]! * sv[i % c]! * r(i)),
        rtol,
        'mean',
      );
      expectSumsClose(
        grads[2]!,
        perChannel(size, c, (i) => g[i]! * (xv[i]! - mv[i % c]!) * sv[i % c]! * -0.5 * r(i) ** 3),
        rtol,
        'variance',
      );
      expectSumsClose(
        grads[3]!,
        perChannel(size, c, (i) => g[i]!),
        rtol,
        'offset',
      );
      expectSumsClose(
        grads[4]!,
        perChannel(size, c, (i) => g[i]! * (xv[i]! - mv[i % c]!) * r(i)),
        rtol,
        'scale',
      );
    });
  }

  it('training-mode batch norm (moments + batchNorm, as tfjs-layers does) matches the float64 backward', () => {
    const rng = createRng(12);
    const [n, h, w, c] = [4, 3, 5, 6];
    const size = n * h * w * c;
    const m = size / c;
    const xv = uniform(rng, size, -2, 3);
    const gamma = uniform(rng, c, 0.5, 1.5);
    const beta = uniform(rng, c, -1, 1);
    const g = uniform(rng, size, -1, 1);
    const [dx, dGamma, dBeta] = tf.tidy(() => {
      const upstream = tf.tensor4d(g, [n, h, w, c]);
      const f = tf.grads((x, s, o) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(x, mean, variance, o, s, EPSILON), upstream));
      });
      return f([tf.tensor4d(xv, [n, h, w, c]), tf.tensor1d(gamma), tf.tensor1d(beta)]).map((t) =>
        t.dataSync(),
      );
    });
    const mean = new Float64Array(c);
    const variance = new Float64Array(c);
    xv.forEach((v, i) => {
      mean[i % c]! += v / m;
    });
    xv.forEach((v, i) => {
      variance[i % c]! += (v - mean[i % c]!) ** 2 / m;
    });
    const xHat = Float64Array.from(xv, (v, i) => (v - mean[i % c]!) / Math.sqrt(variance[i % c]! + EPSILON));
    const sumG = perChannel(size, c, (i) => g[i]!);
    const sumGxHat = perChannel(size, c, (i) => g[i]! * xHat[i]!);
    const dxExpected = Float64Array.from(g, (gi, i) => {
      const k = i % c;
      const scale = gamma[k]! / Math.sqrt(variance[k]! + EPSILON);
      return scale * (gi - sumG.values[k]! / m - (xHat[i]! * sumGxHat.values[k]!) / m);
    });
    expectSumsClose(dBeta!, sumG, rtol, 'beta');
    expectSumsClose(dGamma!, sumGxHat, rtol, 'gamma');
    // dx is a difference of three per-channel terms of size ~|γ/σ|; float32 sums over the m = 60
    // elements of a channel bound its error, not |dx| itself.
    const scale = Math.max(...gamma.map((s, k) => s / Math.sqrt(variance[k]! + EPSILON)));
    expectClose(dx!, dxExpected, { atol: 20 * rtol * scale, label: 'x' });
  });
});

/**
 * A float64 reference for training-mode batch norm over the last axis, and its gradients by central
 * differences: what `batchNormTraining` is checked against on every backend and on the native kernel.
 */
import { createRng, type Rng } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';

export const EPSILON = 1e-5;

/** Random float32 values, held in float64 so that the reference sees exactly what the kernel sees. */
function uniform(rng: Rng, n: number, lo = -1, hi = 1): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.fround(rng.uniform(lo, hi));
  return v;
}

export interface Problem {
  shape: number[];
  x: Float64Array;
  scale: Float64Array;
  offset: Float64Array;
  /** Weights of the scalar L = Σ wy·y + Σ wMean·mean + Σ wVar·variance whose gradient is checked. */
  wy: Float64Array;
  wMean: Float64Array;
  wVar: Float64Array;
}

/** Batch norm in float64 over all axes but the last: y, mean, biased variance. */
export function reference(p: Problem, x = p.x, scale = p.scale, offset = p.offset) {
  const c = p.shape[p.shape.length - 1]!;
  const rows = x.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let i = 0; i < x.length; i++) mean[i % c]! += x[i]! / rows;
  for (let i = 0; i < x.length; i++) variance[i % c]! += (x[i]! - mean[i % c]!) ** 2 / rows;
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const k = i % c;
    y[i] = ((x[i]! - mean[k]!) * scale[k]!) / Math.sqrt(variance[k]! + EPSILON) + offset[k]!;
  }
  return { y, mean, variance };
}

export function objective(p: Problem, x = p.x, scale = p.scale, offset = p.offset): number {
  const { y, mean, variance } = reference(p, x, scale, offset);
  let l = 0;
  for (let i = 0; i < y.length; i++) l += p.wy[i]! * y[i]!;
  for (let k = 0; k < mean.length; k++) l += p.wMean[k]! * mean[k]! + p.wVar[k]! * variance[k]!;
  return l;
}

/** Central differences of the float64 objective: an independent reference for every gradient. */
export function numericGradient(p: Problem, which: 'x' | 'scale' | 'offset'): Float64Array {
  const base = { x: p.x, scale: p.scale, offset: p.offset };
  const v = base[which];
  const g = new Float64Array(v.length);
  const h = 1e-5;
  for (let i = 0; i < v.length; i++) {
    const plus = Float64Array.from(v);
    const minus = Float64Array.from(v);
    plus[i]! += h;
    minus[i]! -= h;
    const at = (w: Float64Array) =>
      objective(p, ...(Object.values({ ...base, [which]: w }) as [Float64Array, Float64Array, Float64Array]));
    g[i] = (at(plus) - at(minus)) / (2 * h);
  }
  return g;
}

export function problem(rng: Rng, shape: number[], spread: number, center: number): Problem {
  const c = shape[shape.length - 1]!;
  const n = shape.reduce((a, b) => a * b, 1);
  const x = uniform(rng, n, center - spread, center + spread);
  return {
    shape,
    x,
    scale: uniform(rng, c, 0.5, 2),
    offset: uniform(rng, c),
    wy: uniform(rng, n),
    wMean: uniform(rng, c),
    wVar: uniform(rng, c),
  };
}

/** Worst |a − b| relative to the largest |b|. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const scale = Math.max(1e-12, ...Array.from(b, Math.abs));
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / scale);
  return worst;
}

export const CASES: { label: string; shape: number[]; spread: number; center: number }[] = [
  { label: 'NHWC, odd channels', shape: [3, 5, 4, 7], spread: 1, center: 0 },
  { label: 'one channel', shape: [2, 3, 3, 1], spread: 2, center: 0.5 },
  { label: 'a dense layer [N, D]', shape: [6, 33], spread: 1, center: 0 },
  { label: 'mean far from zero (cancellation)', shape: [4, 4, 4, 5], spread: 0.01, center: 30 },
  { label: 'many rows, few channels', shape: [8, 9, 9, 3], spread: 3, center: -1 },
];

/** The problem of one of {@link CASES}, with its own seed. */
export function caseProblem(c: (typeof CASES)[number]): Problem {
  return problem(createRng(c.shape.length * 100 + c.shape[0]!), c.shape, c.spread, c.center);
}

/** Worst relative errors of `batchNormTraining` on the active backend against the float64 reference. */
export function batchNormErrors(
  batchNormTraining: typeof import('@simclr/core').batchNormTraining,
  p: Problem,
): Record<'y' | 'mean' | 'variance' | 'dx' | 'dscale' | 'doffset', number> {
  const ref = reference(p);
  return tf.tidy(() => {
    const x = tf.tensor(Float32Array.from(p.x), p.shape);
    const scale = tf.tensor1d(Float32Array.from(p.scale));
    const offset = tf.tensor1d(Float32Array.from(p.offset));
    const wy = tf.tensor(Float32Array.from(p.wy), p.shape);
    const wMean = tf.tensor1d(Float32Array.from(p.wMean));
    const wVar = tf.tensor1d(Float32Array.from(p.wVar));
    const [y, mean, variance] = batchNormTraining(x, scale, offset, EPSILON);
    const [dx, dscale, doffset] = tf.grads((a: tf.Tensor, b: tf.Tensor, o: tf.Tensor) => {
      const [yy, m, v] = batchNormTraining(a, b as tf.Tensor1D, o as tf.Tensor1D, EPSILON);
      return tf.addN([tf.sum(tf.mul(wy, yy)), tf.sum(tf.mul(wMean, m)), tf.sum(tf.mul(wVar, v))]);
    })([x, scale, offset]);
    return {
      y: relError(y.dataSync(), ref.y),
      mean: relError(mean.dataSync(), ref.mean),
      variance: relError(variance.dataSync(), ref.variance),
      dx: relError(dx!.dataSync(), numericGradient(p, 'x')),
      dscale: relError(dscale!.dataSync(), numericGradient(p, 'scale')),
      doffset: relError(doffset!.dataSync(), numericGradient(p, 'offset')),
    };
  });
}

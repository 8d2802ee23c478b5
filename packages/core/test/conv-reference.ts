import { expect } from 'vitest';

/** A forward convolution's geometry, NHWC, worked out here independently of tfjs's conv_util. */
export interface RefConv {
  /** [N, H, W, Ci] */
  xShape: [number, number, number, number];
  /** [FH, FW, Ci, Co] */
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

interface Axis {
  out: number;
  before: number;
}

function roundBy(v: number, mode: RefConv['dimRoundingMode']): number {
  if (mode === 'ceil') return Math.ceil(v);
  if (mode === 'round') return Math.round(v);
  if (mode === 'floor') return Math.floor(v);
  return Math.trunc(v);
}

function axis(size: number, filter: number, stride: number, c: RefConv, side: 1 | 2): Axis {
  const { pad } = c;
  if (pad === 'same') {
    // TensorFlow's SAME: as many outputs as strides fit; odd total padding puts the extra pixel after.
    const out = Math.ceil(size / stride);
    const total = Math.max(0, (out - 1) * stride + filter - size);
    return { out, before: Math.floor(total / 2) };
  }
  if (pad === 'valid') return { out: Math.ceil((size - filter + 1) / stride), before: 0 };
  const [before, after] = typeof pad === 'number' ? [pad, pad] : pad[side];
  return { out: roundBy((size - filter + before + after) / stride + 1, c.dimRoundingMode), before };
}

/** The forward output shape [N, OH, OW, Co] and the top/left padding. */
export function refGeometry(c: RefConv): {
  dyShape: [number, number, number, number];
  top: number;
  left: number;
} {
  const [n, h, w] = c.xShape;
  const [fh, fw, , co] = c.filterShape;
  const rows = axis(h, fh, c.strides[0], c, 1);
  const cols = axis(w, fw, c.strides[1], c, 2);
  return { dyShape: [n, rows.out, cols.out, co], top: rows.before, left: cols.before };
}

/** A float64 result with, per element, Σ|term| of the sum that produced it (the float error scale). */
export interface RefResult {
  values: Float64Array;
  absSum: Float64Array;
}

/**
 * Visits every (x, filter, dy) index triple of the convolution: the one loop nest both gradients are
 * read off, so dx and dW come from the definition y = Σ x·w and nothing else.
 */
function forEachTerm(c: RefConv, visit: (xi: number, wi: number, yi: number) => void): void {
  const [n, h, w, ci] = c.xShape;
  const [fh, fw, , co] = c.filterShape;
  const { dyShape, top, left } = refGeometry(c);
  const [, oh, ow] = dyShape;
  const [sh, sw] = c.strides;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let s = 0; s < ow; s++) {
        for (let i = 0; i < fh; i++) {
          const xr = r * sh + i - top;
          if (xr < 0 || xr >= h) continue;
          for (let j = 0; j < fw; j++) {
            const xc = s * sw + j - left;
            if (xc < 0 || xc >= w) continue;
            for (let p = 0; p < ci; p++) {
              const xi = ((b * h + xr) * w + xc) * ci + p;
              const wBase = ((i * fw + j) * ci + p) * co;
              const yBase = ((b * oh + r) * ow + s) * co;
              for (let q = 0; q < co; q++) visit(xi, wBase + q, yBase + q);
            }
          }
        }
      }
    }
  }
}

/** y = conv2d(x, w), in float64. */
export function refForward(c: RefConv, x: ArrayLike<number>, filter: ArrayLike<number>): RefResult {
  const size = refGeometry(c).dyShape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(size);
  const absSum = new Float64Array(size);
  forEachTerm(c, (xi, wi, yi) => {
    const t = x[xi]! * filter[wi]!;
    values[yi]! += t;
    absSum[yi]! += Math.abs(t);
  });
  return { values, absSum };
}

/** dx = ∂/∂x Σ dy·conv2d(x, w), in float64. */
export function refBackpropInput(c: RefConv, dy: ArrayLike<number>, filter: ArrayLike<number>): RefResult {
  const size = c.xShape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(size);
  const absSum = new Float64Array(size);
  forEachTerm(c, (xi, wi, yi) => {
    const t = dy[yi]! * filter[wi]!;
    values[xi]! += t;
    absSum[xi]! += Math.abs(t);
  });
  return { values, absSum };
}

/** dW = ∂/∂w Σ dy·conv2d(x, w), in float64. */
export function refBackpropFilter(c: RefConv, x: ArrayLike<number>, dy: ArrayLike<number>): RefResult {
  const size = c.filterShape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(size);
  const absSum = new Float64Array(size);
  forEachTerm(c, (xi, wi, yi) => {
    const t = x[xi]! * dy[yi]!;
    values[wi]! += t;
    absSum[wi]! += Math.abs(t);
  });
  return { values, absSum };
}

/**
 * Asserts |got − ref| ≤ rtol·Σ|term| for every element: the relative error of each sum measured
 * against the size of its terms, which stays meaningful where cancellation makes the sum itself ≈ 0.
 */
export function expectSumsClose(got: ArrayLike<number>, ref: RefResult, rtol: number, label: string): void {
  expect(got.length, `${label}: length`).toBe(ref.values.length);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i]! - ref.values[i]!);
    const bound = rtol * ref.absSum[i]! + 1e-30;
    const ratio = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / bound;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worstRatio > 1) {
    expect.fail(
      `${label}: element ${worst} is ${got[worst]}, want ${ref.values[worst]} ` +
        `(error ${Math.abs(got[worst]! - ref.values[worst]!).toExponential(2)} > ${rtol}·Σ|term| = ` +
        `${(rtol * ref.absSum[worst]!).toExponential(2)})`,
    );
  }
}

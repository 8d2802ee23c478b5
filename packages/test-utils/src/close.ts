import type { BackendName } from '@simclr/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Default absolute tolerances by backend: webgl on SwiftShader and wasm's XNNPACK reorder float32 sums. */
export const DEFAULT_ATOL: Record<BackendName, number> = {
  cpu: 1e-5,
  native: 1e-5,
  wasm: 1e-5,
  webgl: 1e-4,
  webgpu: 1e-4,
  tensorflow: 1e-5,
};

export interface CloseOptions {
  /** Absolute tolerance. */
  atol?: number;
  /** Relative tolerance, applied to |expected|. Default 0. */
  rtol?: number;
  /** Label for the failure message. */
  label?: string;
}

function toArray(x: Tensor | ArrayLike<number> | number): Float64Array {
  if (typeof x === 'number') return Float64Array.of(x);
  if ('dataSync' in x) return Float64Array.from(x.dataSync() as ArrayLike<number>);
  return Float64Array.from(x);
}

/** Largest |a-b| and the worst element's index under `|a-b| <= atol + rtol*|b|`. */
export function compareClose(
  actual: Tensor | ArrayLike<number> | number,
  expected: Tensor | ArrayLike<number> | number,
  { atol = 1e-5, rtol = 0 }: CloseOptions = {},
): { ok: boolean; maxAbs: number; maxRel: number; worst: number } {
  const a = toArray(actual);
  const b = toArray(expected);
  if (a.length !== b.length) return { ok: false, maxAbs: Infinity, maxRel: Infinity, worst: -1 };
  let ok = true;
  let maxAbs = 0;
  let maxRel = 0;
  let worst = -1;
  let worstExcess = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    const limit = atol + rtol * Math.abs(b[i]!);
    if (!(d <= limit)) ok = false;
    if (Number.isNaN(d) || d - limit > worstExcess) {
      worstExcess = Number.isNaN(d) ? Infinity : d - limit;
      worst = i;
    }
    maxAbs = Math.max(maxAbs, Number.isNaN(d) ? Infinity : d);
    if (b[i] !== 0) maxRel = Math.max(maxRel, d / Math.abs(b[i]!));
  }
  return { ok, maxAbs, maxRel, worst };
}

/** Asserts `actual` ≈ `expected` elementwise (same length) within `atol + rtol*|expected|`. */
export function expectClose(
  actual: Tensor | ArrayLike<number> | number,
  expected: Tensor | ArrayLike<number> | number,
  options: CloseOptions = {},
): void {
  const a = toArray(actual);
  const b = toArray(expected);
  expect(a.length, `${options.label ?? 'value'}: length`).toBe(b.length);
  const r = compareClose(a, b, options);
  if (!r.ok) {
    const i = r.worst;
    expect.fail(
      `${options.label ?? 'value'}: max |diff| ${r.maxAbs.toExponential(3)} (max rel ${r.maxRel.toExponential(3)}) ` +
        `exceeds atol=${options.atol ?? 1e-5}, rtol=${options.rtol ?? 0}; worst at index ${i}: got ${a[i]}, want ${b[i]}`,
    );
  }
}

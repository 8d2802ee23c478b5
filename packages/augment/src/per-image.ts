import { assertNumber, describeValue, SimclrError } from '@simclr/core';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** A parameter given per image: one number for all, an array of one number per image, or a Tensor1D. */
export type PerImage = number | readonly number[] | Tensor1D;

/** A per-image yes/no: one boolean for all, an array of booleans (or 0/1), or a Tensor1D of 0/1 or bool. */
export type PerImageMask = boolean | readonly (boolean | number)[] | Tensor1D;

function hostValues(value: unknown, name: string, n: number): ArrayLike<unknown> {
  if (value instanceof tf.Tensor) {
    if (value.rank !== 1 || value.size !== n) {
      throw new SimclrError(
        `${name} must be a rank-1 tensor with one value per image (${n}), got shape [${value.shape.join(',')}]`,
      );
    }
    if (value.dtype === 'string' || value.dtype === 'complex64') {
      throw new SimclrError(`${name} must be a numeric tensor, got dtype ${value.dtype}`);
    }
    return value.dataSync() as ArrayLike<number>;
  }
  if (Array.isArray(value)) {
    if (value.length !== n) {
      throw new SimclrError(`${name} must have one value per image (${n}), got ${value.length} values`);
    }
    return value;
  }
  throw new SimclrError(
    `${name} must be a number, an array of ${n} numbers or a Tensor1D, got ${describeValue(value)}`,
  );
}

/**
 * Reads a per-image number as `n` host values, each checked against `range` so the message names the
 * argument and the offending image (`factor[3] must be ...`).
 */
export function readPerImage(
  value: unknown,
  name: string,
  n: number,
  range: { min?: number; max?: number; exclusiveMin?: boolean } = {},
): Float64Array {
  if (typeof value === 'number') {
    assertNumber(value, name, range);
    return new Float64Array(n).fill(value);
  }
  const values = hostValues(value, name, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    assertNumber(v, `${name}[${i}]`, range);
    out[i] = v;
  }
  return out;
}

/** Reads a per-image yes/no as `n` host values of 0 or 1. */
export function readPerImageMask(value: unknown, name: string, n: number): Float64Array {
  const asBit = (v: unknown, label: string): number => {
    if (v === true || v === 1) return 1;
    if (v === false || v === 0) return 0;
    throw new SimclrError(`${label} must be a boolean (or 0/1), got ${describeValue(v)}`);
  };
  if (typeof value === 'boolean') return new Float64Array(n).fill(asBit(value, name));
  const values = hostValues(value, name, n);
  return Float64Array.from({ length: n }, (_, i) => asBit(values[i], `${name}[${i}]`));
}

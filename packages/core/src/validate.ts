import type { DataType, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from './describe-value.js';
import { SimclrError } from './errors.js';
import type { ImageBatch } from './types.js';
import { valueChecksEnabled } from './value-checks.js';

function isTensor(x: unknown): x is Tensor {
  return x instanceof tf.Tensor;
}

/** Throws unless `x` is a tfjs tensor. */
export function assertTensor(x: unknown, name: string): asserts x is Tensor {
  if (!isTensor(x)) throw new SimclrError(`${name} must be a tf.Tensor, got ${describeValue(x)}`);
}

/** Throws unless `x` is a tensor of the given rank. */
export function assertRank(x: unknown, rank: number, name: string): asserts x is Tensor {
  assertTensor(x, name);
  if (x.rank !== rank) {
    throw new SimclrError(`${name} must be a rank-${rank} tensor, got shape [${x.shape.join(',')}]`);
  }
}

/** Throws unless `x` has one of the allowed dtypes. */
export function assertDtype(x: Tensor, dtypes: DataType | readonly DataType[], name: string): void {
  const allowed = typeof dtypes === 'string' ? [dtypes] : dtypes;
  if (!allowed.includes(x.dtype)) {
    throw new SimclrError(`${name} must have dtype ${allowed.join(' or ')}, got ${x.dtype}`);
  }
}

/**
 * Throws unless `x` has the given shape; `null` entries match any size.
 * Example: `assertShape(z, [null, 128], 'z')`.
 */
export function assertShape(x: Tensor, shape: readonly (number | null)[], name: string): void {
  const ok = x.rank === shape.length && shape.every((d, i) => d === null || d === x.shape[i]);
  if (!ok) {
    const want = shape.map((d) => (d === null ? '*' : String(d))).join(',');
    throw new SimclrError(`${name} must have shape [${want}], got shape [${x.shape.join(',')}]`);
  }
}

/**
 * Throws if `x` holds a NaN or an infinity. Reads the tensor back (synchronously); skipped while the
 * value checks are off (`withValueChecks`).
 */
export function assertFinite(x: Tensor, name: string): void {
  if (!valueChecksEnabled()) return;
  const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(x))).dataSync()[0]);
  if (bad) {
    throw new SimclrError(`${name} must be finite, got a tensor that holds NaN or Infinity`, {
      code: 'non-finite',
    });
  }
}

/**
 * Throws unless `x` is an `ImageBatch`: a rank-4 NHWC float32 tensor with 1 or 3 channels.
 * With `checkValues` (default false, as it reads the data back) also checks values are finite and in [0, 1].
 */
export function assertImageBatch(
  x: unknown,
  name: string,
  options: { checkValues?: boolean } = {},
): asserts x is ImageBatch {
  assertTensor(x, name);
  if (x.rank !== 4) {
    throw new SimclrError(`${name} must be a rank-4 NHWC tensor, got shape [${x.shape.join(',')}]`);
  }
  if (x.dtype !== 'float32') {
    throw new SimclrError(`${name} must be a float32 tensor with values in [0, 1], got dtype ${x.dtype}`);
  }
  const [n, h, w, c] = x.shape as [number, number, number, number];
  if (c !== 1 && c !== 3) {
    throw new SimclrError(
      `${name} must have 1 or 3 channels (NHWC), got ${c} in shape [${x.shape.join(',')}]`,
    );
  }
  if (n < 1 || h < 1 || w < 1) {
    throw new SimclrError(
      `${name} must hold at least one image of at least one pixel, got shape [${x.shape.join(',')}]`,
    );
  }
  if (options.checkValues) {
    const [min, max, bad] = tf.tidy(() => {
      const finite = tf.isFinite(x);
      return [
        tf.min(x).dataSync()[0]!,
        tf.max(x).dataSync()[0]!,
        tf.any(tf.logicalNot(finite)).dataSync()[0]!,
      ];
    });
    if (bad) {
      throw new SimclrError(`${name} must be finite, got a tensor that holds NaN or Infinity`, {
        code: 'non-finite',
      });
    }
    if (min < 0 || max > 1) {
      throw new SimclrError(`${name} must have values in [0, 1], got values in [${min}, ${max}]`);
    }
  }
}

/** Throws unless `value` is a finite number (optionally an integer) within [min, max]. */
export function assertNumber(
  value: unknown,
  name: string,
  range: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): asserts value is number {
  const { min = -Infinity, max = Infinity, integer = false, exclusiveMin = false } = range;
  const kind = integer ? 'an integer' : 'a finite number';
  const lower = exclusiveMin ? `> ${min}` : `>= ${min}`;
  const bounds = [Number.isFinite(min) ? lower : '', Number.isFinite(max) ? `<= ${max}` : '']
    .filter(Boolean)
    .join(' and ');
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (exclusiveMin ? value > min : value >= min) &&
    value <= max;
  if (!ok) {
    throw new SimclrError(
      `${name} must be ${kind}${bounds ? ` ${bounds}` : ''}, got ${describeValue(value)}`,
    );
  }
}

/** Throws unless `p` is a probability in [0, 1]. */
export function assertProbability(p: unknown, name: string): asserts p is number {
  assertNumber(p, name, { min: 0, max: 1 });
}

/** Throws unless `range` is `[lo, hi]` with finite lo <= hi inside the optional bounds. */
export function assertRange(
  range: unknown,
  name: string,
  bounds: { min?: number; max?: number } = {},
): asserts range is [number, number] {
  const { min = -Infinity, max = Infinity } = bounds;
  const ok =
    Array.isArray(range) &&
    range.length === 2 &&
    range.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    range[0] <= range[1] &&
    range[0] >= min &&
    range[1] <= max;
  if (!ok) {
    const within = Number.isFinite(min) || Number.isFinite(max) ? ` within [${min}, ${max}]` : '';
    throw new SimclrError(
      `${name} must be a range [lo, hi] with lo <= hi${within}, got ${describeValue(range)}`,
    );
  }
}

/** Throws unless `value` is one of `allowed`. */
export function assertOneOf<T extends string | number>(
  value: unknown,
  allowed: readonly T[],
  name: string,
): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new SimclrError(
      `${name} must be one of ${allowed.map(describeValue).join(', ')}, got ${describeValue(value)}`,
    );
  }
}

/** Throws unless `value` is `true` or `false`. */
export function assertBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new SimclrError(`${name} must be true or false, got ${describeValue(value)}`);
  }
}

/** Throws unless `options` is a plain object (not null, not an array). */
export function assertOptionsObject(options: unknown, name = 'options'): asserts options is object {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SimclrError(`${name} must be an options object, got ${describeValue(options)}`);
  }
}

/** `options`, or `{}` when it is undefined; throws unless it is a plain object. */
export function optionsObject<T extends object>(options: T | undefined, name = 'options'): T {
  if (options === undefined) return {} as T;
  assertOptionsObject(options, name);
  return options;
}

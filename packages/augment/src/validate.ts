export { assertBoolean, optionsObject } from '@simclr/core';

import type { Rng } from '@simclr/core';
import { assertNumber, assertRange, describeValue, SimclrError } from '@simclr/core';

const RNG_METHODS = ['next', 'uniform', 'int', 'bernoulli', 'shuffle'] as const;

/** Throws unless `rng` looks like the `Rng` that `createRng(seed)` returns. */
export function assertRng(rng: unknown, name = 'rng'): asserts rng is Rng {
  const ok =
    typeof rng === 'object' &&
    rng !== null &&
    RNG_METHODS.every((m) => typeof (rng as Record<string, unknown>)[m] === 'function');
  if (!ok) {
    throw new SimclrError(
      `${name} must be an Rng (createRng(seed) from @simclr/core), got ${describeValue(rng)}`,
    );
  }
}

/** Reads an output size given as one side or `[height, width]`, each a positive integer. */
export function readSize(size: unknown, name: string): [number, number] {
  const isSide = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (isSide(size)) return [size as number, size as number];
  if (Array.isArray(size) && size.length === 2 && size.every(isSide)) return [size[0], size[1]];
  throw new SimclrError(
    `${name} must be a positive integer or [height, width] of positive integers, got ${describeValue(size)}`,
  );
}

/** Throws unless `k` is an odd integer >= 1, the kernel sizes a centred blur allows. */
export function assertKernelSize(k: unknown, name: string): asserts k is number {
  assertNumber(k, name, { min: 1, integer: true });
  if (k % 2 === 0) throw new SimclrError(`${name} must be odd, got ${k}`);
}

/** Short rendering of numbers for `describe()`: at most four decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  return String(Number(value.toFixed(4)));
}

/** Throws unless `range` is `[lo, hi]` with `0 < lo <= hi`. */
export function assertPositiveRange(range: unknown, name: string): asserts range is [number, number] {
  assertRange(range, name, { min: 0 });
  if (range[0] <= 0) {
    throw new SimclrError(`${name} must be a range [lo, hi] with 0 < lo <= hi, got ${describeValue(range)}`);
  }
}

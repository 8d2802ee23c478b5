import { describeValue, SimclrError } from '@simclr/core';

/** Throws unless `shape` is `[height, width, channels]` with positive integer sizes and 1 or 3 channels. */
export function assertInputShape(
  shape: unknown,
  name = 'inputShape',
): asserts shape is [number, number, number] {
  const ok =
    Array.isArray(shape) &&
    shape.length === 3 &&
    shape.every((v) => Number.isInteger(v) && v >= 1) &&
    (shape[2] === 1 || shape[2] === 3);
  if (!ok) {
    throw new SimclrError(
      `${name} must be [height, width, channels] with positive integer sizes and 1 or 3 channels, got ${describeValue(shape)}`,
    );
  }
}

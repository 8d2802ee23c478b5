import { describeValue, SimclrError } from '@simclr/core';
import type { StateDict } from '../state-dict.js';

/** Throws unless `value` is a `Map` of names to `{ dtype, shape, data }` tensors. */
export function assertStateDict(value: unknown, argument: string): asserts value is StateDict {
  if (!(value instanceof Map)) {
    throw new SimclrError(
      `${argument} must be a StateDict (a Map of names to { dtype, shape, data }), got ${describeValue(value)}`,
    );
  }
  for (const [key, t] of value) {
    const ok =
      typeof key === 'string' &&
      t !== null &&
      typeof t === 'object' &&
      typeof t.dtype === 'string' &&
      Array.isArray(t.shape) &&
      ArrayBuffer.isView(t.data);
    if (!ok) {
      throw new SimclrError(
        `${argument} must map names to { dtype, shape, data } tensors, got ${describeValue(t)} for ${describeValue(key)}`,
      );
    }
  }
}

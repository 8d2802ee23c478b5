import { describeValue, SimclrError } from '@simclr/core';

/** Throws unless `value` is an array whose items are all objects. */
export function assertRecords(value: unknown, name: string): asserts value is readonly object[] {
  if (!Array.isArray(value)) throw new SimclrError(`${name} must be an array, got ${describeValue(value)}`);
  const bad = value.findIndex((r) => r === null || typeof r !== 'object');
  if (bad >= 0) throw new SimclrError(`${name}[${bad}] must be an object, got ${describeValue(value[bad])}`);
}

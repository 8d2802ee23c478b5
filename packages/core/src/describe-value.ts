/** A short, readable rendering of an arbitrary value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) {
    const head = value.slice(0, 8).map(describeValue).join(',');
    return `[${head}${value.length > 8 ? `,… (${value.length} items)` : ''}]`;
  }
  if (typeof value === 'object') {
    const maybeTensor = value as { shape?: unknown; dtype?: unknown; rank?: unknown };
    if (Array.isArray(maybeTensor.shape) && typeof maybeTensor.dtype === 'string') {
      return `a ${maybeTensor.dtype} tensor of shape [${(maybeTensor.shape as number[]).join(',')}]`;
    }
    const ctor = (value as object).constructor?.name;
    return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
  }
  return typeof value;
}

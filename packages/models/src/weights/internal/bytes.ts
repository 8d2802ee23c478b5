/**
 * Whether `value` is a `Uint8Array` (a Node `Buffer` included), told by its tag rather than `instanceof`
 * so that arrays from another realm (a worker, an iframe) count too.
 */
export function isUint8Array(value: unknown): value is Uint8Array {
  return (
    ArrayBuffer.isView(value) &&
    (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Uint8Array'
  );
}

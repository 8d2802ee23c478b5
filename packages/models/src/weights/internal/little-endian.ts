import { allocateWeightData, WEIGHT_DTYPE_SIZE, type WeightData, type WeightDtype } from '../state-dict.js';

/** Whether this machine stores typed-array elements little-endian (every current browser and Node host). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapInPlace(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/**
 * `bytes` (whole elements of `dtype`, stored little- or big-endian) copied into a new typed array of the
 * class that `dtype` needs. The copy is what makes the elements aligned, wherever `bytes` starts. bool
 * bytes become 0 or 1.
 */
export function decodeElements(bytes: Uint8Array, dtype: WeightDtype, littleEndian = true): WeightData {
  const size = WEIGHT_DTYPE_SIZE[dtype];
  const out = allocateWeightData(dtype, bytes.length / size);
  const view = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  view.set(bytes);
  if (size > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapInPlace(view, size);
  if (dtype === 'bool') for (let i = 0; i < view.length; i++) view[i] = view[i] === 0 ? 0 : 1;
  return out;
}

/** The elements of `data` as little-endian bytes: a view of `data` on a little-endian host, else a copy. */
export function littleEndianBytes(data: WeightData, dtype: WeightDtype): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = WEIGHT_DTYPE_SIZE[dtype];
  if (size === 1 || HOST_LITTLE_ENDIAN) return view;
  const copy = view.slice();
  swapInPlace(copy, size);
  return copy;
}

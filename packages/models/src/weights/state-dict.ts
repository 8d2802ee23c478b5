import { describeValue, SimclrError } from '@simclr/core';
import { decodeBfloat16, decodeFloat16 } from './internal/half-float.js';

/** The element types of PyTorch weights that this package reads and writes. */
export type WeightDtype =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

/** Every {@link WeightDtype}. */
export const WEIGHT_DTYPES: readonly WeightDtype[] = [
  'float32',
  'float16',
  'bfloat16',
  'float64',
  'int64',
  'int32',
  'int16',
  'int8',
  'uint8',
  'bool',
];

/** The typed array that holds each {@link WeightDtype}'s elements. */
export interface WeightDataTypes {
  float32: Float32Array;
  /** The raw IEEE 754 binary16 bits. */
  float16: Uint16Array;
  /** The raw bits: the upper 16 bits of a float32. */
  bfloat16: Uint16Array;
  float64: Float64Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int16: Int16Array;
  int8: Int8Array;
  uint8: Uint8Array;
  /** 0 or 1 per element. */
  bool: Uint8Array;
}

/** The elements of a {@link WeightTensor}, in row-major (C) order. */
export type WeightData = WeightDataTypes[WeightDtype];

/**
 * One tensor of a PyTorch state dict as plain data, no tfjs needed: `data` holds the elements in
 * row-major (C) order, as the typed array that {@link WeightDataTypes} names for `dtype` (float16 and
 * bfloat16 as their raw bits in a `Uint16Array`). A scalar has shape `[]` and one element.
 */
export interface WeightTensor {
  dtype: WeightDtype;
  shape: number[];
  data: WeightData;
}

/** Parameter and buffer names (`layer1.0.conv1.weight`) to tensors, in the file's order. */
export type StateDict = Map<string, WeightTensor>;

/** Bytes per element of each {@link WeightDtype}. */
export const WEIGHT_DTYPE_SIZE: Readonly<Record<WeightDtype, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

const ARRAY_TYPES: Readonly<Record<WeightDtype, { new (length: number): WeightData; name: string }>> = {
  float32: Float32Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

/** The number of elements of a tensor of this shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A new zero-filled typed array of `length` elements of `dtype`, of the class {@link WeightDataTypes} names. */
export function allocateWeightData<D extends WeightDtype>(dtype: D, length: number): WeightDataTypes[D] {
  return new ARRAY_TYPES[dtype](length) as WeightDataTypes[D];
}

/**
 * A {@link WeightTensor}, after checking that `dtype` is a {@link WeightDtype}, `shape` a list of
 * integers >= 0, and `data` a typed array of the class that `dtype` needs with one element per entry of
 * `shape`. `data` is kept, not copied.
 *
 * @throws SimclrError (code `'invalid-argument'`) naming `name` and what is wrong.
 */
export function weightTensor(
  dtype: WeightDtype,
  shape: readonly number[],
  data: WeightData,
  name = 'tensor',
): WeightTensor {
  if (!(WEIGHT_DTYPES as readonly unknown[]).includes(dtype)) {
    throw new SimclrError(
      `${name}: dtype must be one of ${WEIGHT_DTYPES.join(', ')}, got ${describeValue(dtype)}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SimclrError(`${name}: shape must be a list of integers >= 0, got ${describeValue(shape)}`);
  }
  const type = ARRAY_TYPES[dtype];
  // The tag, not instanceof: typed arrays from another realm (a worker, an iframe) are accepted too.
  if (
    !ArrayBuffer.isView(data) ||
    (data as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] !== type.name
  ) {
    throw new SimclrError(
      `${name}: a ${dtype} tensor's data must be a ${type.name}, got ${describeValue(data)}`,
    );
  }
  const n = elementCount(shape);
  if (data.length !== n) {
    throw new SimclrError(
      `${name}: shape [${shape.join(',')}] has ${n} elements, but data has ${data.length}`,
    );
  }
  return { dtype, shape: [...shape], data };
}

/**
 * The tensor's elements as a new `Float32Array` (the caller owns it; it never shares memory with
 * `t.data`). float16 and bfloat16 are decoded exactly; float64 and int64 round to the nearest float32;
 * bool gives 0 and 1.
 */
export function toFloat32(t: WeightTensor): Float32Array {
  switch (t.dtype) {
    case 'float16':
      return decodeFloat16(t.data as Uint16Array);
    case 'bfloat16':
      return decodeBfloat16(t.data as Uint16Array);
    case 'int64': {
      const src = t.data as BigInt64Array;
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = Number(src[i]!);
      return out;
    }
    default:
      return new Float32Array(t.data as Exclude<WeightData, BigInt64Array>);
  }
}

import { describeValue, SimclrError } from '@simclr/core';
import { isUint8Array } from './internal/bytes.js';
import { decodeElements, littleEndianBytes } from './internal/little-endian.js';
import {
  elementCount,
  type StateDict,
  WEIGHT_DTYPE_SIZE,
  type WeightDtype,
  weightTensor,
} from './state-dict.js';

/** The safetensors name of each {@link WeightDtype}. */
const SAFETENSORS_DTYPES: Readonly<Record<WeightDtype, string>> = {
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  float64: 'F64',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};

const FROM_SAFETENSORS = new Map<string, WeightDtype>(
  Object.entries(SAFETENSORS_DTYPES).map(([ours, theirs]) => [theirs, ours as WeightDtype]),
);

/** Dtypes of the safetensors specification that have no {@link WeightDtype}. */
const UNREAD_DTYPES = [
  'U16',
  'U32',
  'U64',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'C64',
];

const METADATA = '__metadata__';
const READ = 'readSafetensors';

function corrupt(message: string, cause?: unknown): SimclrError {
  return new SimclrError(`${READ}: ${message}`, { code: 'corrupt', cause });
}

/** The contents of a safetensors file. */
export interface Safetensors {
  /** The tensors, in the order of their data in the file. */
  tensors: StateDict;
  /** The header's `__metadata__` (`{}` when it has none). */
  metadata: Record<string, string>;
}

/**
 * The tensors and metadata of a safetensors file (https://github.com/huggingface/safetensors: an 8-byte
 * little-endian header length, a UTF-8 JSON header naming each tensor's `dtype`, `shape` and
 * `data_offsets` into the byte buffer after the header, and an optional `__metadata__` map of strings).
 * Every tensor's elements are copied into a new typed array (so they are aligned wherever the data
 * starts); dtypes F32, F16, BF16, F64, I64, I32, I16, I8, U8 and BOOL are read.
 *
 * The whole layout is checked: the header length against the file, the JSON, each tensor's dtype,
 * shape (integers >= 0) and offsets (in range, their size equal to the elements times the item size),
 * and that the tensors cover the buffer in order, without gaps or overlaps.
 *
 * @throws SimclrError with code `'corrupt'` naming the tensor and the fault; code `'invalid-argument'`
 *   when `bytes` is not a `Uint8Array`.
 */
export function readSafetensors(bytes: Uint8Array): Safetensors {
  if (!isUint8Array(bytes)) {
    throw new SimclrError(`${READ}: bytes must be a Uint8Array, got ${describeValue(bytes)}`);
  }
  if (bytes.length === 0) throw corrupt('the file is empty');
  if (bytes.length < 8)
    throw corrupt(`the file has ${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > bytes.length - 8) {
    throw corrupt(
      `the header length is ${headerLength} bytes, beyond the ${bytes.length - 8} bytes after it ` +
        '(the file is cut short or not a safetensors file)',
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch (error) {
    throw corrupt(`the header is not UTF-8 JSON: ${(error as Error).message}`, error);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw corrupt(`the header is ${describeValue(header)}, not a JSON object`);
  }
  const bufferStart = 8 + headerLength;
  const bufferLength = bytes.length - bufferStart;

  const metadata: Record<string, string> = {};
  const found: { name: string; dtype: WeightDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA) {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) {
        throw corrupt(`__metadata__ is ${describeValue(info)}, not a map of strings`);
      }
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string')
          throw corrupt(`__metadata__[${JSON.stringify(k)}] is ${describeValue(v)}, not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const tensor = `tensor ${JSON.stringify(name)}`;
    if (typeof info !== 'object' || info === null || Array.isArray(info)) {
      throw corrupt(`${tensor} is described by ${describeValue(info)}, not an object`);
    }
    const { dtype: code, shape, data_offsets: offsets } = info as Record<string, unknown>;
    const dtype = typeof code === 'string' ? FROM_SAFETENSORS.get(code) : undefined;
    if (dtype === undefined) {
      const why = UNREAD_DTYPES.includes(code as string)
        ? 'which is not read'
        : 'which is not a safetensors dtype';
      throw corrupt(
        `${tensor} has dtype ${describeValue(code)}, ${why} (read: ${[...FROM_SAFETENSORS.keys()].join(', ')})`,
      );
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw corrupt(`${tensor} has shape ${describeValue(shape)}; it must be a list of integers >= 0`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      throw corrupt(
        `${tensor} has data_offsets ${describeValue(offsets)}; they must be [begin, end] with 0 <= begin <= end`,
      );
    }
    const [begin, end] = offsets as [number, number];
    const need = elementCount(shape) * WEIGHT_DTYPE_SIZE[dtype];
    if (end - begin !== need) {
      throw corrupt(
        `${tensor} has data_offsets [${begin}, ${end}] (${end - begin} bytes), but dtype ${code} and shape ` +
          `[${shape.join(',')}] need ${need} bytes`,
      );
    }
    if (end > bufferLength) {
      throw corrupt(
        `${tensor} ends at byte ${end} of the data, which has only ${bufferLength} bytes (the file is cut short)`,
      );
    }
    found.push({ name, dtype, shape: [...shape], begin, end });
  }

  found.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = '';
  for (const t of found) {
    if (t.begin < covered) {
      throw corrupt(
        `tensor ${JSON.stringify(t.name)} (data_offsets [${t.begin}, ${t.end}]) overlaps tensor ${JSON.stringify(previous)}, which ends at ${covered}`,
      );
    }
    if (t.begin > covered) {
      throw corrupt(
        `tensor ${JSON.stringify(t.name)} starts at byte ${t.begin} of the data, leaving bytes ${covered}..${t.begin} unused`,
      );
    }
    covered = t.end;
    previous = t.name;
  }
  if (covered !== bufferLength) {
    throw corrupt(
      `the tensors cover ${covered} bytes of data, but the file holds ${bufferLength} after the header`,
    );
  }

  const tensors: StateDict = new Map();
  for (const t of found) {
    const data = decodeElements(bytes.subarray(bufferStart + t.begin, bufferStart + t.end), t.dtype);
    tensors.set(t.name, { dtype: t.dtype, shape: t.shape, data });
  }
  return { tensors, metadata };
}

/**
 * A safetensors file of `tensors` (in the map's order, laid out without gaps) with the optional
 * `metadata` as the header's `__metadata__`. The header is padded with spaces so that the data starts
 * at a multiple of 8 bytes.
 *
 * @throws SimclrError (code `'invalid-argument'`) when a tensor's data does not match its dtype and
 *   shape, a name is `__metadata__`, or a metadata value is not a string.
 */
export function writeSafetensors(tensors: StateDict, metadata?: Record<string, string>): Uint8Array {
  const WRITE = 'writeSafetensors';
  if (!(tensors instanceof Map)) {
    throw new SimclrError(
      `${WRITE}: tensors must be a Map of names to tensors, got ${describeValue(tensors)}`,
    );
  }
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new SimclrError(
        `${WRITE}: metadata must be an object of strings, got ${describeValue(metadata)}`,
      );
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SimclrError(
          `${WRITE}: metadata[${JSON.stringify(k)}] must be a string, got ${describeValue(v)}`,
        );
      }
    }
    parts.push(`${JSON.stringify(METADATA)}:${JSON.stringify(metadata)}`);
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (typeof name !== 'string' || name === METADATA) {
      throw new SimclrError(
        `${WRITE}: tensor names must be strings other than "__metadata__", got ${describeValue(name)}`,
      );
    }
    const tensor = weightTensor(t?.dtype, t?.shape, t?.data, `${WRITE}: tensor ${JSON.stringify(name)}`);
    const bytes = littleEndianBytes(tensor.data, tensor.dtype);
    const entry = {
      dtype: SAFETENSORS_DTYPES[tensor.dtype],
      shape: tensor.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    // Built by hand, not from one object: JSON.stringify would put integer-like names first.
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

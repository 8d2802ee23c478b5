import { SimclrError } from '@simclr/core';

/** An array read from an IDX file: its dimensions and its unsigned bytes (row-major). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;

/**
 * Parses an IDX file of unsigned bytes (LeCun's MNIST format: a big-endian magic number whose third
 * byte is the element type, 0x08, and fourth the rank, then one big-endian uint32 per dimension).
 * `file` names the source in error messages. The data is a view on `bytes`, not a copy.
 */
export function parseIdx(bytes: Uint8Array, rank: number, file: string): IdxArray {
  const header = 4 + 4 * rank;
  if (bytes.length < header) {
    throw new SimclrError(
      `${file}: expected an IDX header of ${header} bytes, found a file of ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const want = 0x800 + rank;
  if (magic !== want) {
    throw new SimclrError(
      `${file}: expected IDX magic number ${hex(want)} (unsigned bytes, ${rank} dimension${rank > 1 ? 's' : ''}), found ${hex(magic)}`,
    );
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - header;
  if (found !== expected) {
    throw new SimclrError(
      `${file}: expected ${expected} bytes of data after the ${header}-byte header (${dims.join('×')}), found ${found}` +
        (found < expected ? ' (the file is truncated)' : ''),
    );
  }
  return { dims, data: bytes.subarray(header) };
}

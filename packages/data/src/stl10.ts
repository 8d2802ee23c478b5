import { SimclrError } from '@simclr/core';
import { BYTE_TO_UNIT } from './byte-to-unit.js';
import { checkLabelRange } from './check-labels.js';
import { STL10_CLASSES } from './class-names.js';
import { createDataset } from './dataset.js';
import type { NamedBytes } from './from-idx.js';
import type { Dataset } from './types.js';

/** Side of an STL-10 image. */
export const STL10_SIDE = 96;
/** Bytes per STL-10 image in the binary files: 3 × 96 × 96. */
export const STL10_IMAGE_BYTES = 3 * STL10_SIDE * STL10_SIDE;

const PLANE = STL10_SIDE * STL10_SIDE;

/**
 * Decodes the STL-10 binary image at `src[srcOffset …]` into NHWC float32 at `out[outOffset …]`. The
 * files hold each image channel by channel and each channel column by column (the official reader
 * reshapes to (3, 96, 96) and transposes), so pixel (row y, column x) of channel c is byte
 * `c·96² + x·96 + y`.
 */
export function decodeStl10Image(
  src: Uint8Array,
  srcOffset: number,
  out: Float32Array,
  outOffset: number,
): void {
  // Walks the output in order and gathers from the source: sequential float writes are what is
  // expensive here (six times faster than walking the source in order and scattering).
  let o = outOffset;
  for (let y = 0; y < STL10_SIDE; y++) {
    for (let x = 0; x < STL10_SIDE; x++) {
      const s = srcOffset + x * STL10_SIDE + y;
      out[o++] = BYTE_TO_UNIT[src[s]!]!;
      out[o++] = BYTE_TO_UNIT[src[s + PLANE]!]!;
      out[o++] = BYTE_TO_UNIT[src[s + 2 * PLANE]!]!;
    }
  }
}

/** Checks an STL-10 label file (one byte per image, 1 … 10) and returns the labels as 0 … 9. */
export function parseStl10Labels(file: NamedBytes, expectedCount: number): Uint8Array {
  if (file.bytes.length !== expectedCount) {
    throw new SimclrError(
      `${file.name}: expected ${expectedCount} label bytes, one per image, found ${file.bytes.length}`,
    );
  }
  checkLabelRange(file.bytes, 1, 10, file.name);
  return file.bytes.map((v) => v - 1);
}

/** Throws unless `byteLength` is a whole, non-zero number of STL-10 images; returns the count. */
export function stl10ImageCount(byteLength: number, name: string): number {
  if (byteLength === 0 || byteLength % STL10_IMAGE_BYTES !== 0) {
    const whole = Math.floor(byteLength / STL10_IMAGE_BYTES);
    throw new SimclrError(
      `${name}: expected whole ${STL10_IMAGE_BYTES}-byte images (3×96×96), found ${byteLength} bytes ` +
        `(${whole} images and ${byteLength - whole * STL10_IMAGE_BYTES} bytes over)`,
    );
  }
  return byteLength / STL10_IMAGE_BYTES;
}

/**
 * An STL-10 dataset from the bytes of an `*_X.bin` file and, optionally, its `*_y.bin` labels, held in
 * memory. For the 100000-image unlabeled split, use `stl10` from `@simclr/data/node`, which reads
 * images from disk as batches ask for them.
 */
export function fromStl10Binary(images: NamedBytes, labels?: NamedBytes): Dataset {
  const size = stl10ImageCount(images.bytes.length, images.name);
  const bytes = images.bytes;
  return createDataset({
    size,
    imageShape: [STL10_SIDE, STL10_SIDE, 3],
    read(indices, out) {
      for (let i = 0; i < indices.length; i++) {
        decodeStl10Image(bytes, indices[i]! * STL10_IMAGE_BYTES, out, i * STL10_IMAGE_BYTES);
      }
    },
    ...(labels !== undefined && {
      labels: parseStl10Labels(labels, size),
      numClasses: 10,
      classNames: STL10_CLASSES,
    }),
  });
}

import { SimclrError } from '@simclr/core';
import { BYTE_TO_UNIT } from './byte-to-unit.js';
import { checkLabelRange } from './check-labels.js';
import { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './class-names.js';
import { createDataset } from './dataset.js';
import type { NamedBytes } from './from-idx.js';
import type { Dataset } from './types.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXEL_BYTES = 3 * PLANE;

/** Options of {@link fromCifarBinary}. */
export interface CifarBinaryOptions {
  /** `'cifar10'`: 1 label byte per record; `'cifar100'`: 2 (coarse, then fine). Required. */
  variant: 'cifar10' | 'cifar100';
  /** CIFAR-100 only: which of the two labels to give. Default `'fine'`. */
  labels?: 'fine' | 'coarse';
}

/**
 * A dataset from files of the CIFAR "binary version": back-to-back records of the label byte(s)
 * followed by 3072 pixel bytes, the red, green and blue 32×32 planes in turn, each row-major. The
 * files are concatenated in the order given; their bytes are kept as they are, not copied.
 */
export function fromCifarBinary(files: readonly NamedBytes[], options: CifarBinaryOptions): Dataset {
  const { variant, labels: which = 'fine' } = options;
  const labelBytes = variant === 'cifar10' ? 1 : 2;
  const record = labelBytes + PIXEL_BYTES;
  const ranges = variant === 'cifar10' ? [9] : [19, 99];
  const starts: number[] = [];
  let size = 0;
  for (const f of files) {
    if (f.bytes.length === 0 || f.bytes.length % record !== 0) {
      const whole = Math.floor(f.bytes.length / record);
      throw new SimclrError(
        `${f.name}: expected whole ${record}-byte records (${labelBytes} label byte${labelBytes > 1 ? 's' : ''} + ${PIXEL_BYTES} pixel bytes), ` +
          `found ${f.bytes.length} bytes (${whole} records and ${f.bytes.length - whole * record} bytes over)`,
      );
    }
    starts.push(size);
    size += f.bytes.length / record;
  }
  if (size === 0) throw new SimclrError('fromCifarBinary needs at least one file, got none');

  const labelOffset = variant === 'cifar100' && which === 'fine' ? 1 : 0;
  const labels = new Uint8Array(size);
  files.forEach((f, fi) => {
    const n = f.bytes.length / record;
    for (let j = 0; j < labelBytes; j++) {
      const column = new Uint8Array(n);
      for (let r = 0; r < n; r++) column[r] = f.bytes[r * record + j]!;
      checkLabelRange(column, 0, ranges[j]!, f.name);
      if (j === labelOffset) labels.set(column, starts[fi]);
    }
  });

  const numClasses = labelOffset === 0 ? ranges[0]! + 1 : ranges[1]! + 1;
  const classNames =
    variant === 'cifar10'
      ? CIFAR10_CLASSES
      : which === 'fine'
        ? CIFAR100_FINE_CLASSES
        : CIFAR100_COARSE_CLASSES;

  return createDataset({
    size,
    imageShape: [SIDE, SIDE, 3],
    read(indices, out) {
      for (let i = 0; i < indices.length; i++) {
        const index = indices[i]!;
        let fi = starts.length - 1;
        while (starts[fi]! > index) fi--;
        const bytes = files[fi]!.bytes;
        const src = (index - starts[fi]!) * record + labelBytes;
        const dst = i * PIXEL_BYTES;
        for (let p = 0; p < PLANE; p++) {
          out[dst + 3 * p] = BYTE_TO_UNIT[bytes[src + p]!]!;
          out[dst + 3 * p + 1] = BYTE_TO_UNIT[bytes[src + PLANE + p]!]!;
          out[dst + 3 * p + 2] = BYTE_TO_UNIT[bytes[src + 2 * PLANE + p]!]!;
        }
      }
    },
    labels,
    numClasses,
    classNames,
  });
}

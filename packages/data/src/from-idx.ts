import { SimclrError } from '@simclr/core';
import { BYTE_TO_UNIT } from './byte-to-unit.js';
import { checkLabelRange } from './check-labels.js';
import { createDataset } from './dataset.js';
import { parseIdx } from './idx.js';
import type { Dataset } from './types.js';

/** A file's bytes and the name that error messages give it. */
export interface NamedBytes {
  /** Shown in error messages: a path, a URL or a file name. */
  name: string;
  bytes: Uint8Array;
}

/** Options of {@link fromIdx}. */
export interface FromIdxOptions {
  /** Number of classes; labels must lie in `0 … numClasses-1`. Default 10. */
  numClasses?: number;
  /** A name per class. Default: none. */
  classNames?: readonly string[];
}

/**
 * A dataset from an IDX image file (`n × h × w` unsigned bytes, gray) and, optionally, an IDX label
 * file (`n` unsigned bytes), both already decompressed. The bytes are kept as they are, not copied.
 */
export function fromIdx(images: NamedBytes, labels?: NamedBytes, options: FromIdxOptions = {}): Dataset {
  const { numClasses = 10, classNames } = options;
  const img = parseIdx(images.bytes, 3, images.name);
  const [n, h, w] = img.dims as [number, number, number];
  if (n === 0 || h === 0 || w === 0) {
    throw new SimclrError(
      `${images.name}: expected at least one image of at least 1×1 pixels, found ${img.dims.join('×')}`,
    );
  }
  let labelData: Uint8Array | undefined;
  if (labels !== undefined) {
    const lab = parseIdx(labels.bytes, 1, labels.name);
    if (lab.dims[0] !== n) {
      throw new SimclrError(
        `${labels.name}: expected ${n} labels, one per image of ${images.name}, found ${lab.dims[0]}`,
      );
    }
    checkLabelRange(lab.data, 0, numClasses - 1, labels.name);
    labelData = lab.data;
  }
  const pixels = h * w;
  const data = img.data;
  return createDataset({
    size: n,
    imageShape: [h, w, 1],
    read(indices, out) {
      for (let i = 0; i < indices.length; i++) {
        const src = indices[i]! * pixels;
        const dst = i * pixels;
        for (let k = 0; k < pixels; k++) out[dst + k] = BYTE_TO_UNIT[data[src + k]!]!;
      }
    },
    ...(labelData !== undefined && { labels: labelData, numClasses }),
    ...(labelData !== undefined && classNames !== undefined && { classNames }),
  });
}

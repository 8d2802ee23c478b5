import { assertNumber, assertRank, describeValue, SimclrError } from '@simclr/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { BYTE_TO_UNIT } from './byte-to-unit.js';
import { createDataset } from './dataset.js';
import type { Dataset } from './types.js';

/** Options of {@link fromTensors}. */
export interface FromTensorsOptions {
  /** Number of classes. Default: the largest label + 1. */
  numClasses?: number;
  /** A name per class. Default: none. */
  classNames?: readonly string[];
}

async function readLabels(labels: Tensor | ArrayLike<number>, n: number): Promise<Int32Array> {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    assertRank(labels, 1, 'labels');
    if (labels.dtype !== 'int32') throw new SimclrError(`labels must have dtype int32, got ${labels.dtype}`);
    values = await labels.data();
  } else if (labels !== null && typeof labels === 'object' && typeof labels.length === 'number') {
    values = labels;
  } else {
    throw new SimclrError(
      `labels must be an int32 tensor or an array of integers, got ${describeValue(labels)}`,
    );
  }
  if (values.length !== n) {
    throw new SimclrError(`labels must hold one label per image (${n}), got ${values.length}`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new SimclrError(`labels must be integers >= 0, got ${describeValue(v)} at index ${i}`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * A dataset from images already in tensors: float32 in [0, 1] (kept as float32) or int32 in 0 … 255
 * (kept as bytes). The data is copied to the host once, so the caller may dispose `images` and `labels`
 * afterwards.
 */
export async function fromTensors(
  images: Tensor,
  labels?: Tensor | ArrayLike<number>,
  options: FromTensorsOptions = {},
): Promise<Dataset> {
  assertRank(images, 4, 'images');
  const [n, h, w, c] = images.shape as [number, number, number, number];
  if (c !== 1 && c !== 3) {
    throw new SimclrError(
      `images must have 1 or 3 channels (NHWC), got ${c} in shape [${images.shape.join(',')}]`,
    );
  }
  if (n < 1 || h < 1 || w < 1) {
    throw new SimclrError(
      `images must hold at least one pixel per image, got shape [${images.shape.join(',')}]`,
    );
  }
  const pixels = h * w * c;
  const values = await images.data();
  let read: (indices: readonly number[], out: Float32Array) => void;
  if (images.dtype === 'float32') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= 0 && v <= 1)) {
        throw new SimclrError(`images must have values in [0, 1] when float32, got ${v} at flat index ${i}`);
      }
    }
    // A copy: some backends hand out their own storage, which must not outlive the tensor.
    const data = Float32Array.from(values);
    read = (indices, out) => {
      indices.forEach((index, i) => {
        out.set(data.subarray(index * pixels, (index + 1) * pixels), i * pixels);
      });
    };
  } else if (images.dtype === 'int32') {
    const data = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= 0 && v <= 255)) {
        throw new SimclrError(`images must have values in 0 … 255 when int32, got ${v} at flat index ${i}`);
      }
      data[i] = v;
    }
    read = (indices, out) => {
      indices.forEach((index, i) => {
        const src = index * pixels;
        const dst = i * pixels;
        for (let k = 0; k < pixels; k++) out[dst + k] = BYTE_TO_UNIT[data[src + k]!]!;
      });
    };
  } else {
    throw new SimclrError(
      `images must have dtype float32 (values in [0, 1]) or int32 (0 … 255), got ${images.dtype}`,
    );
  }

  if (labels === undefined) return createDataset({ size: n, imageShape: [h, w, c], read });
  const ids = await readLabels(labels, n);
  const numClasses = options.numClasses ?? ids.reduce((m, v) => Math.max(m, v), 0) + 1;
  assertNumber(numClasses, 'numClasses', { min: 1, integer: true });
  const over = ids.findIndex((v) => v >= numClasses);
  if (over >= 0) {
    throw new SimclrError(
      `labels must lie in 0 … ${numClasses - 1} (numClasses), got ${ids[over]} at index ${over}`,
    );
  }
  const { classNames } = options;
  if (classNames !== undefined && classNames.length !== numClasses) {
    throw new SimclrError(`classNames must hold ${numClasses} names (numClasses), got ${classNames.length}`);
  }
  return createDataset({
    size: n,
    imageShape: [h, w, c],
    read,
    labels: ids,
    numClasses,
    ...(classNames !== undefined && { classNames }),
  });
}

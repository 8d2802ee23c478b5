import { describeValue, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { iterateBatches } from './batches.js';
import type { Batch, Dataset, ImageShape } from './types.js';

/**
 * Where a dataset's pixels come from. Implement it to plug a new format into {@link createDataset}.
 */
export interface ImageSource {
  /** Number of examples. */
  readonly size: number;
  /** `[height, width, channels]` of every image. */
  readonly imageShape: ImageShape;
  /**
   * Writes the images at `indices` into `out` (length `indices.length × h × w × c`) as NHWC float32 in
   * [0, 1]. `indices` are valid; repeats are allowed.
   */
  read(indices: readonly number[], out: Float32Array): void | Promise<void>;
  /** One class index per example, each in `0 … numClasses-1`, when the dataset has labels. */
  readonly labels?: ArrayLike<number>;
  /** Number of classes; required when `labels` is given. */
  readonly numClasses?: number;
  /** A name per class index. */
  readonly classNames?: readonly string[];
}

function checkIndices(indices: unknown, size: number): asserts indices is readonly number[] {
  if (!Array.isArray(indices) || indices.length === 0) {
    throw new SimclrError(`indices must be a non-empty array of integers, got ${describeValue(indices)}`);
  }
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    if (!Number.isInteger(v) || v < 0 || v >= size) {
      throw new SimclrError(
        `indices must hold integers in [0, ${size - 1}], got ${describeValue(v)} at position ${i}`,
      );
    }
  }
}

/** Builds a {@link Dataset} on top of an {@link ImageSource}. */
export function createDataset(source: ImageSource): Dataset {
  const { size, imageShape, labels, numClasses, classNames } = source;
  const [h, w, c] = imageShape;
  const pixels = h * w * c;
  if (labels !== undefined && (numClasses === undefined || labels.length !== size)) {
    throw new SimclrError(
      `an ImageSource with labels must give numClasses and one label per example (${size}), got numClasses ${describeValue(numClasses)} and ${labels.length} labels`,
    );
  }

  const dataset: Dataset = {
    size,
    imageShape,
    ...(numClasses !== undefined && { numClasses }),
    ...(classNames !== undefined && { classNames }),
    async get(indices: readonly number[]): Promise<Batch> {
      checkIndices(indices, size);
      const n = indices.length;
      const data = new Float32Array(n * pixels);
      await source.read(indices, data);
      // Kept, because a prefetched batch can be created while the consumer has a tfjs scope open
      // across an await; ending that scope must not dispose a batch the consumer has not seen yet.
      const images = tf.keep(tf.tensor4d(data, [n, h, w, c], 'float32'));
      if (labels === undefined) return { images };
      const ids = new Int32Array(n);
      for (let i = 0; i < n; i++) ids[i] = labels[indices[i]!]!;
      return { images, labels: tf.keep(tf.tensor1d(ids, 'int32')) };
    },
    batches(options) {
      return iterateBatches(dataset, options);
    },
  };
  return dataset;
}

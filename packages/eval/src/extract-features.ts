import { assertNumber, assertOptionsObject, SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import * as tf from '@tensorflow/tfjs-core';
import { type Encoder, encodeImages, encoderModel } from './encoder.js';
import { assertLabelledDataset, assertOptionalFunction } from './internal/validate.js';

/** Options of {@link extractFeatures}. */
export interface ExtractFeaturesOptions {
  /** Images encoded at a time. Default 256. */
  batchSize?: number;
  /** Called after every batch with the number of images encoded so far and the dataset size. Default: none. */
  onProgress?: (done: number, total: number) => void;
}

/** Representations of a labelled dataset, row i for example i. */
export interface Features {
  /** h `[N, D]`, float32. The caller owns it and disposes it. */
  features: tf.Tensor2D;
  /** The class of each row. */
  labels: Int32Array;
  /** The dataset's number of classes. */
  numClasses: number;
  /** The dataset's class names, when it has them. */
  classNames?: readonly string[];
}

/**
 * Encodes every image of `dataset`, in index order, with the encoder in inference mode (batch norm uses
 * its moving statistics), and returns the representations h with the labels. This is what kNN and
 * linear evaluation take; use the encoder, not the projection head, as the paper does.
 *
 * Each batch's features are read back to the host as soon as they are computed, so the backend holds a
 * few batches of images at a time, never the features of the whole dataset twice.
 *
 * @throws SimclrError when the dataset has no labels, the encoder is not one (see {@link Encoder}) or
 * returns something other than one float32 row per image.
 */
export async function extractFeatures(
  encoder: Encoder,
  dataset: Dataset,
  options: ExtractFeaturesOptions = {},
): Promise<Features> {
  encoderModel(encoder);
  assertOptionsObject(options);
  const { batchSize = 256, onProgress } = options;
  assertNumber(batchSize, 'batchSize', { min: 1, integer: true });
  assertOptionalFunction(onProgress, 'onProgress');
  assertLabelledDataset(dataset);
  const total = dataset.size;
  const labels = new Int32Array(total);
  let values: Float32Array | undefined;
  let dim = 0;
  let done = 0;
  for await (const batch of dataset.batches({ batchSize, dropLast: false })) {
    try {
      if (batch.labels === undefined) {
        throw new SimclrError('dataset must have labels: a batch came without them');
      }
      const h = encodeImages(encoder, batch.images);
      let rows: Float32Array;
      try {
        rows = (await h.data()) as Float32Array;
      } finally {
        h.dispose();
      }
      if (values === undefined) {
        dim = h.shape[1];
        values = new Float32Array(total * dim);
      } else if (h.shape[1] !== dim) {
        throw new SimclrError(
          `encoder must return the same feature size for every batch, got ${h.shape[1]} after ${dim}`,
        );
      }
      values.set(rows, done * dim);
      labels.set(await batch.labels.data(), done);
      done += batch.images.shape[0];
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
    }
    onProgress?.(done, total);
  }
  const features = tf.tensor2d(values!, [total, dim], 'float32');
  return {
    features,
    labels,
    numClasses: dataset.numClasses,
    ...(dataset.classNames !== undefined && { classNames: dataset.classNames }),
  };
}

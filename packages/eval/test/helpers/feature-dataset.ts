import { createRng } from '@simclr/core';
import { type Dataset, fromTensors } from '@simclr/data';
import * as tf from '@tensorflow/tfjs-core';

/** Host features in [0, 1], row-major `[labels.length, dim]`, with a class per row. */
export interface FeatureRows {
  values: Float32Array;
  labels: Int32Array;
  dim: number;
}

/**
 * Rows around one centre per class (drawn from `createRng(centreSeed)` in [0.2, 0.8]^dim) with normal
 * noise of `spread`, clipped to [0, 1]; row i has class i % classes.
 */
export function clusteredRows(
  rows: number,
  options: { dim: number; classes: number; spread: number; seed: number; centreSeed?: number },
): FeatureRows {
  const { dim, classes, spread, seed, centreSeed = 3 } = options;
  const centres = createRng(centreSeed);
  const centre = Array.from({ length: classes * dim }, () => centres.uniform(0.2, 0.8));
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: rows }, (_, i) => i % classes);
  const values = Float32Array.from({ length: rows * dim }, (_, k) => {
    const label = labels[Math.floor(k / dim)]!;
    return Math.min(1, Math.max(0, centre[label * dim + (k % dim)]! + spread * rng.normal()));
  });
  return { values, labels, dim };
}

/**
 * A dataset whose images are the rows (`[N, 1, dim, 1]`), so that {@link flatten} encodes them into
 * exactly these features.
 */
export async function featureDataset(rows: FeatureRows, numClasses: number): Promise<Dataset> {
  const images = tf.tensor4d(rows.values, [rows.labels.length, 1, rows.dim, 1]);
  try {
    return await fromTensors(images, rows.labels, { numClasses });
  } finally {
    images.dispose();
  }
}

/** An encoder that returns the pixels of each image as its features. */
export const flatten = (images: tf.Tensor4D): tf.Tensor2D =>
  tf.reshape(images, [images.shape[0], -1]) as tf.Tensor2D;

import { createRng } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';

/** Feature size of {@link clusteredFeatures}. */
export const DIM = 12;
/** Classes of {@link clusteredFeatures}. */
export const CLASSES = 8;

export interface ClusteredFeatures {
  values: Float32Array;
  labels: number[];
}

/** Rows clustered around one random centre per class, with enough noise that classes overlap. */
export function clusteredFeatures(rows: number, seed: number): ClusteredFeatures {
  const centres = createRng(7);
  const centre = Array.from({ length: CLASSES * DIM }, () => centres.normal());
  const rng = createRng(seed);
  const labels = Array.from({ length: rows }, () => rng.int(CLASSES));
  const values = new Float32Array(rows * DIM);
  labels.forEach((label, i) => {
    for (let j = 0; j < DIM; j++) values[i * DIM + j] = centre[label * DIM + j]! + 1.3 * rng.normal();
  });
  return { values, labels };
}

/** Calls `fn` with `train` and `test` as tensors and frees them afterwards. */
export async function withFeatureTensors<T>(
  train: ClusteredFeatures,
  test: ClusteredFeatures,
  fn: (trainFeatures: tf.Tensor2D, testFeatures: tf.Tensor2D) => Promise<T>,
): Promise<T> {
  const trainFeatures = tf.tensor2d(train.values, [train.labels.length, DIM]);
  const testFeatures = tf.tensor2d(test.values, [test.labels.length, DIM]);
  try {
    return await fn(trainFeatures, testFeatures);
  } finally {
    tf.dispose([trainFeatures, testFeatures]);
  }
}

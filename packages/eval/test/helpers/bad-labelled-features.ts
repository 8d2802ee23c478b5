import * as tf from '@tensorflow/tfjs-core';

/** Train and test splits as `{ features, labels }`, as `linearEvaluate` and `scoreRepresentation` take them. */
interface Splits {
  train: { features: tf.Tensor2D; labels: number[] };
  test: { features: tf.Tensor2D; labels: number[] };
  numClasses?: number;
}

/**
 * The bad train/test splits that every function taking `{ train, test }` must reject, each with the start
 * of its message, and a good split to combine with other bad options. The tensors are freed after `fn`.
 */
export async function withBadSplits(
  fn: (cases: [Splits, RegExp][], good: Splits['train']) => Promise<void>,
): Promise<void> {
  const features = tf.tensor2d([1, 0, 0, 1, 1, 1, 0.5, 2], [4, 2]);
  const nan = tf.tensor2d([1, 0, Number.NaN, 1, 1, 1, 0.5, 2], [4, 2]);
  const wide = tf.zeros([2, 3]) as tf.Tensor2D;
  const labels = [0, 1, 0, 1];
  const train = { features, labels };
  const cases: [Splits, RegExp][] = [
    [{ train: { features: nan, labels }, test: train }, /^train\.features must be finite/],
    [
      { train, test: { features: wide, labels: [0, 1] } },
      /^test\.features must have as many columns as train\.features \(2\)/,
    ],
    [
      { train: { features, labels: [0, 1, 0] }, test: train },
      /^train\.labels must hold one label per feature row \(4\), got 3/,
    ],
    [
      { train, test: { features, labels: [0, 1, 2, 1] }, numClasses: 2 },
      /^test\.labels must lie in 0 … 1 \(numClasses\), got 2 at index 2/,
    ],
    [
      { train, test: { features, labels: [0, -1, 0, 1] } },
      /^test\.labels must be integers >= 0, got -1 at index 1/,
    ],
    [{ train: features as never, test: train }, /^train\.features must be a tf\.Tensor, got undefined/],
  ];
  try {
    await fn(cases, train);
  } finally {
    tf.dispose([features, nan, wide]);
  }
}

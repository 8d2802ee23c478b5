import { describeValue, SimclrError } from '@simclr/core';

/**
 * Counts of (true class, predicted class) pairs: `matrix[t][p]` is the number of examples of class `t`
 * predicted as `p` (rows are true classes, as in scikit-learn's `confusion_matrix`).
 *
 * @throws SimclrError when the lengths differ or a class lies outside `0 … numClasses-1`.
 */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numClasses: number,
): number[][] {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new SimclrError(`numClasses must be an integer >= 1, got ${describeValue(numClasses)}`);
  }
  if (labels.length !== predictions.length) {
    throw new SimclrError(
      `labels and predictions must have the same length, got ${labels.length} and ${predictions.length}`,
    );
  }
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predictions[i]!;
    for (const [name, v] of [
      ['labels', t],
      ['predictions', p],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
        throw new SimclrError(
          `${name} must be integers in 0 … ${numClasses - 1}, got ${describeValue(v)} at index ${i}`,
        );
      }
    }
    matrix[t]![p]!++;
  }
  return matrix;
}

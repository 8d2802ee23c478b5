import { assertDtype, assertFinite, assertRank, describeValue, SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import * as tf from '@tensorflow/tfjs-core';

/** Throws unless `x` is a finite float32 `[N, D]` tensor with N, D >= 1. Reads the tensor back. */
export function assertFeatures(x: unknown, name: string): asserts x is tf.Tensor2D {
  assertRank(x, 2, name);
  assertDtype(x, 'float32', name);
  const [rows, columns] = x.shape as [number, number];
  if (rows < 1 || columns < 1) {
    throw new SimclrError(
      `${name} must hold at least one row and one column, got shape [${x.shape.join(',')}]`,
    );
  }
  assertFinite(x, name);
}

/**
 * Throws unless `train` and `test` are both finite float32 `[N, D]` tensors (see {@link assertFeatures})
 * with the same D. Reads both back.
 */
export function assertFeaturePair(
  train: unknown,
  test: unknown,
  trainName: string,
  testName: string,
): asserts train is tf.Tensor2D {
  assertFeatures(train, trainName);
  assertFeatures(test, testName);
  const d = train.shape[1];
  if (test.shape[1] !== d) {
    throw new SimclrError(
      `${testName} must have as many columns as ${trainName} (${d}), got shape [${test.shape.join(',')}]`,
    );
  }
}

/** Class labels read to the host: `labels` as given, or an int32 tensor's values. */
export async function readLabels(labels: unknown, name: string, count: number): Promise<Int32Array> {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    assertRank(labels, 1, name);
    assertDtype(labels, 'int32', name);
    values = await labels.data();
  } else if (
    labels !== null &&
    typeof labels === 'object' &&
    typeof (labels as ArrayLike<number>).length === 'number'
  ) {
    values = labels as ArrayLike<number>;
  } else {
    throw new SimclrError(
      `${name} must be an int32 tensor or an array of integers, got ${describeValue(labels)}`,
    );
  }
  if (values.length !== count) {
    throw new SimclrError(`${name} must hold one label per feature row (${count}), got ${values.length}`);
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new SimclrError(`${name} must be integers >= 0, got ${describeValue(v)} at index ${i}`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * The number of classes: `numClasses` when given (checked against every label), else the largest label
 * + 1.
 */
export function resolveNumClasses(
  numClasses: unknown,
  labelSets: readonly { name: string; labels: Int32Array }[],
): number {
  if (numClasses === undefined) {
    let max = 0;
    for (const { labels } of labelSets) for (const v of labels) if (v > max) max = v;
    return max + 1;
  }
  if (!Number.isInteger(numClasses) || (numClasses as number) < 1) {
    throw new SimclrError(`numClasses must be an integer >= 1, got ${describeValue(numClasses)}`);
  }
  const n = numClasses as number;
  for (const { name, labels } of labelSets) {
    const i = labels.findIndex((v) => v >= n);
    if (i >= 0) {
      throw new SimclrError(`${name} must lie in 0 … ${n - 1} (numClasses), got ${labels[i]} at index ${i}`);
    }
  }
  return n;
}

/** Throws unless `value` is undefined or a function. */
export function assertOptionalFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new SimclrError(`${name} must be a function, got ${describeValue(value)}`);
  }
}

/** Throws unless `dataset` is a `Dataset` with labels. */
export function assertLabelledDataset(dataset: unknown): asserts dataset is Dataset & { numClasses: number } {
  if (
    dataset === null ||
    typeof dataset !== 'object' ||
    typeof (dataset as Dataset).batches !== 'function' ||
    typeof (dataset as Dataset).get !== 'function'
  ) {
    throw new SimclrError(`dataset must be a Dataset from @simclr/data, got ${describeValue(dataset)}`);
  }
  if ((dataset as Dataset).numClasses === undefined) {
    throw new SimclrError(
      'dataset must have labels (numClasses is unset): evaluation needs a class per image',
    );
  }
}

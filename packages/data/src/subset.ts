import { describeValue, SimclrError } from '@simclr/core';
import { iterateBatches } from './batches.js';
import type { Dataset } from './types.js';

/**
 * A view of `dataset` holding only the examples at `indices`, in that order (e.g. the first 10 000 for a
 * quick run, or a class-balanced label subset). Nothing is copied; reads go through to `dataset`.
 */
export function subset(dataset: Dataset, indices: readonly number[]): Dataset {
  if (!Array.isArray(indices) || indices.length === 0) {
    throw new SimclrError(`indices must be a non-empty array of integers, got ${describeValue(indices)}`);
  }
  const bad = indices.findIndex((i) => !Number.isInteger(i) || i < 0 || i >= dataset.size);
  if (bad >= 0) {
    throw new SimclrError(
      `indices must hold integers in [0, ${dataset.size - 1}], got ${describeValue(indices[bad])} at position ${bad}`,
    );
  }
  const map = [...indices];
  const view: Dataset = {
    size: map.length,
    imageShape: dataset.imageShape,
    ...(dataset.numClasses !== undefined && { numClasses: dataset.numClasses }),
    ...(dataset.classNames !== undefined && { classNames: dataset.classNames }),
    get(positions) {
      if (
        !Array.isArray(positions) ||
        positions.some((p) => !Number.isInteger(p) || p < 0 || p >= map.length)
      ) {
        throw new SimclrError(
          `indices must be an array of integers in [0, ${map.length - 1}], got ${describeValue(positions)}`,
        );
      }
      return dataset.get(positions.map((p) => map[p]!));
    },
    batches(options) {
      return iterateBatches(view, options);
    },
  };
  return view;
}

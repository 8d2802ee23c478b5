import { SimclrError } from '@simclr/core';

/**
 * Throws unless every value of `labels` lies in `lo … hi`; the message names `file`, the range and the
 * first value outside it with its index.
 */
export function checkLabelRange(labels: ArrayLike<number>, lo: number, hi: number, file: string): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v < lo || v > hi) {
      throw new SimclrError(`${file}: expected labels in ${lo}..${hi}, found ${v} at index ${i}`);
    }
  }
}

import { describeValue, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The images whose views are the anchors of a pair loss: rows `start … end − 1` of `z1` and the same
 * rows of `z2`. Every view stays a candidate (positive or negative) of every anchor.
 *
 * With a range, a loss returns the sum of those anchors' terms divided by the number of all anchors
 * (2N), so the results of disjoint ranges add up to the whole batch's value, and so do their gradients.
 * Data-parallel training gives each replica its own rows of the gathered batch this way, as the official
 * SimCLR code does on TPUs.
 */
export interface AnchorRange {
  start: number;
  end: number;
}

/** Throws unless `anchors` is undefined or a range of integers with 0 <= start < end <= n. */
export function assertAnchors(anchors: unknown, n: number): asserts anchors is AnchorRange | undefined {
  if (anchors === undefined) return;
  const a = anchors as Partial<AnchorRange> | null;
  if (
    a === null ||
    typeof a !== 'object' ||
    !Number.isInteger(a.start) ||
    !Number.isInteger(a.end) ||
    a.start! < 0 ||
    a.end! > n ||
    a.start! >= a.end!
  ) {
    throw new SimclrError(
      `anchors must be { start, end } with integers 0 <= start < end <= ${n} (the rows of z1), got ${describeValue(anchors)}`,
    );
  }
}

/** The mean of the per-anchor terms over all 2N anchors: over the range, their sum divided by 2N. */
export function reduceAnchors(
  perAnchor: tf.Tensor1D,
  n: number,
  anchors: AnchorRange | undefined,
): tf.Scalar {
  return (anchors === undefined ? tf.mean(perAnchor) : tf.div(tf.sum(perAnchor), 2 * n)) as tf.Scalar;
}

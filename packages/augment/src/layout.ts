import type { Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * An axis order a batch is held in between the stages of a pipeline. `NHWC` is the public one.
 * `CNHW` keeps each channel of the whole batch contiguous, which the colour ops want; `HWCN` puts the
 * images innermost, where depthwise convolution applies a different kernel to each of them.
 */
export type Layout = 'NHWC' | 'CNHW' | 'HWCN';

/** A batch of images in some layout; stages pass these along so each transposes only when it must. */
export type Batch = { readonly x: Tensor4D; readonly layout: Layout };

export interface BatchDims {
  n: number;
  h: number;
  w: number;
  c: number;
}

export function dimsOf(batch: Batch): BatchDims {
  const size = (axis: 'N' | 'H' | 'W' | 'C') => batch.x.shape[batch.layout.indexOf(axis)]!;
  return { n: size('N'), h: size('H'), w: size('W'), c: size('C') };
}

/** The batch in `layout`: the same batch when it is already there, else one transpose. */
export function toLayout(batch: Batch, layout: Layout): Batch {
  if (batch.layout === layout) return batch;
  const perm = [...layout].map((axis) => batch.layout.indexOf(axis));
  return { x: tf.transpose(batch.x, perm), layout };
}

/** One value per image as a tensor that broadcasts against a batch held in `layout`. */
export function perImageTensor(values: ArrayLike<number>, layout: Layout): Tensor4D {
  const shape = [1, 1, 1, 1] as [number, number, number, number];
  shape[layout.indexOf('N')] = values.length;
  return tf.tensor4d(Float32Array.from(values), shape);
}

import type { Rank, Tensor, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A batch of images as stages pass it along, so each converts only when it must. `NHWC` is the public
 * form. `planes` holds one `[N, H, W]` tensor per channel: the colour ops mix channels, and separate
 * planes give them each channel without slicing, which the wasm backend does by copying the whole
 * tensor out of its heap on every slice.
 */
export type Batch =
  | { readonly layout: 'NHWC'; readonly x: Tensor4D }
  | { readonly layout: 'planes'; readonly planes: Tensor3D[] };

export interface BatchDims {
  n: number;
  h: number;
  w: number;
  c: number;
}

export function dimsOf(batch: Batch): BatchDims {
  if (batch.layout === 'NHWC') {
    const [n, h, w, c] = batch.x.shape;
    return { n, h, w, c };
  }
  const [n, h, w] = batch.planes[0]!.shape;
  return { n, h, w, c: batch.planes.length };
}

export function tensorsOf(batch: Batch): readonly Tensor[] {
  return batch.layout === 'NHWC' ? [batch.x] : batch.planes;
}

/** Disposes the tensors of `batch` that `keep` does not hold. */
export function disposeExcept(batch: Batch, ...keep: Batch[]): void {
  const kept = new Set(keep.flatMap(tensorsOf));
  for (const t of tensorsOf(batch)) if (!kept.has(t)) t.dispose();
}

export function toNHWC(batch: Batch): Tensor4D {
  if (batch.layout === 'NHWC') return batch.x;
  const { n, h, w, c } = dimsOf(batch);
  if (c === 1) return tf.reshape<Rank.R4>(batch.planes[0]!, [n, h, w, 1]);
  return tf.transpose(tf.stack(batch.planes) as Tensor4D, [1, 2, 3, 0]);
}

export function toPlanes(batch: Batch): Tensor3D[] {
  if (batch.layout === 'planes') return batch.planes;
  const { n, h, w, c } = dimsOf(batch);
  if (c === 1) return [tf.reshape<Rank.R3>(batch.x, [n, h, w])];
  return tf.unstack(tf.transpose(batch.x, [3, 0, 1, 2])) as Tensor3D[];
}

export type PlanesBatch = Extract<Batch, { layout: 'planes' }>;

export function planes(planes: Tensor3D[]): PlanesBatch {
  return { layout: 'planes', planes };
}

/** One value per image, shaped to broadcast against an `[N, H, W]` plane. */
export function perImagePlane(values: ArrayLike<number>): Tensor3D {
  return tf.tensor3d(Float32Array.from(values), [values.length, 1, 1]);
}

/** One value per image, shaped to broadcast against a plane (`planes`) or the whole batch (`NHWC`). */
export function perImageTensor(values: ArrayLike<number>, layout: Batch['layout']): Tensor3D | Tensor4D {
  return layout === 'planes'
    ? perImagePlane(values)
    : tf.tensor4d(Float32Array.from(values), [values.length, 1, 1, 1]);
}

/** Applies `fn` to every tensor of the batch (each plane, or the NHWC tensor), keeping the layout. */
export function mapBatch<B extends Batch>(batch: B, fn: <T extends Tensor3D | Tensor4D>(x: T) => T): B {
  const mapped: Batch =
    batch.layout === 'NHWC' ? { layout: 'NHWC', x: fn(batch.x) } : planes(batch.planes.map((p) => fn(p)));
  return mapped as B;
}

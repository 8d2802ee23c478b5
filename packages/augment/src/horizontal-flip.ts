import type { ImageBatch } from '@simclr/core';
import type { Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { applyToImages, assertImages } from './augmentation.js';
import type { Batch } from './layout.js';
import { mapBatch } from './layout.js';
import type { PerImageMask } from './per-image.js';
import { readPerImageMask } from './per-image.js';
import { selectImages } from './select-images.js';

function flipLeftRight<T extends Tensor3D | Tensor4D>(x: T): T {
  if (x.rank === 4) return tf.image.flipLeftRight(x as Tensor4D) as T;
  const [n, h, w] = x.shape;
  return tf.reshape(tf.image.flipLeftRight(tf.reshape(x, [n!, h!, w!, 1])), x.shape) as T;
}

/** Flips the images whose `mask` is 1 left to right. */
export function flipImages(batch: Batch, mask: ArrayLike<number>): Batch {
  if (Array.from(mask).every((m) => m === 0)) return batch;
  return selectImages(mask, mapBatch(batch, flipLeftRight), batch);
}

/**
 * Flips images left to right, as torchvision's `F.hflip`, where `mask` says so.
 *
 * @param mask per image: `true`/`1` to flip, `false`/`0` to keep; one boolean for all images, an
 *   array of N booleans (or 0/1), or a Tensor1D. Default `true` (flip every image).
 */
export function horizontalFlip(images: ImageBatch, mask: PerImageMask = true): ImageBatch {
  assertImages(images);
  const m = readPerImageMask(mask, 'mask', images.shape[0]);
  return applyToImages(images, (batch) => flipImages(batch, m));
}

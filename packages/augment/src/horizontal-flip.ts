import type { ImageBatch } from '@simclr/core';
import { assertImageBatch } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { applyToImages } from './augmentation.js';
import type { Batch } from './layout.js';
import { dimsOf, toLayout } from './layout.js';
import type { PerImageMask } from './per-image.js';
import { readPerImageMask } from './per-image.js';
import { selectImages } from './select-images.js';

/** Flips the images whose `mask` is 1 left to right. */
export function flipImages(batch: Batch, mask: ArrayLike<number>): Batch {
  if (Array.from(mask).every((m) => m === 0)) return batch;
  const b = batch.layout === 'HWCN' ? toLayout(batch, 'CNHW') : batch;
  const { n, h, w, c } = dimsOf(b);
  const flipped =
    b.layout === 'NHWC'
      ? tf.image.flipLeftRight(b.x)
      : tf.reshape(tf.image.flipLeftRight(tf.reshape(b.x, [c * n, h, w, 1])), b.x.shape);
  return { x: selectImages(mask, flipped as tf.Tensor4D, b.x, b.layout), layout: b.layout };
}

/**
 * Flips images left to right, as torchvision's `F.hflip`, where `mask` says so.
 *
 * @param mask per image: `true`/`1` to flip, `false`/`0` to keep; one boolean for all images, an
 *   array of N booleans (or 0/1), or a Tensor1D. Default `true` (flip every image).
 */
export function horizontalFlip(images: ImageBatch, mask: PerImageMask = true): ImageBatch {
  assertImageBatch(images, 'images');
  const m = readPerImageMask(mask, 'mask', images.shape[0]);
  return applyToImages(images, (batch) => flipImages(batch, m));
}

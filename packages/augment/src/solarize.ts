import type { ImageBatch } from '@simclr/core';
import type { Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { applyToImages, assertImages } from './augmentation.js';
import type { Batch } from './layout.js';
import { mapBatch, perImageTensor } from './layout.js';
import type { PerImage } from './per-image.js';
import { readPerImage } from './per-image.js';

/**
 * `x >= threshold ? 1 - x : x` per image. The comparison is `step(threshold - x)` (1 where x is below),
 * and the choice a 0/1 blend: exact, and vectorised on every backend. A threshold above 1 keeps the image.
 */
export function solarizeImages(batch: Batch, thresholds: ArrayLike<number>): Batch {
  const t = perImageTensor(thresholds, batch.layout);
  return mapBatch(batch, <T extends Tensor3D | Tensor4D>(x: T) => {
    const below = tf.step(tf.sub(t, x));
    return tf.add<T>(tf.mul(below, x), tf.mul(tf.sub(1, below), tf.sub(1, x)));
  });
}

/**
 * Inverts every pixel value at or above the image's threshold (`1 - x`), as torchvision's `F.solarize`.
 *
 * @param threshold per image, in `[0, 1]`: one number for all images, an array of N numbers, or a Tensor1D.
 */
export function solarize(images: ImageBatch, threshold: PerImage): ImageBatch {
  assertImages(images);
  const t = readPerImage(threshold, 'threshold', images.shape[0], { min: 0, max: 1 });
  return applyToImages(images, (batch) => solarizeImages(batch, t));
}

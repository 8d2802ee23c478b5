import type { ImageBatch } from '@simclr/core';
import { applyToImages, assertImages } from './augmentation.js';
import { blend } from './blend.js';
import { planes, toPlanes } from './layout.js';
import type { PerImage } from './per-image.js';
import { readPerImage } from './per-image.js';

/**
 * Multiplies each image by its factor and clamps to [0, 1], as torchvision's `F.adjust_brightness`
 * (a blend with a black image).
 *
 * @param factor per image, `>= 0`: 0 gives black, 1 the original. One number for all images, an array
 *   of N numbers, or a Tensor1D.
 */
export function adjustBrightness(images: ImageBatch, factor: PerImage): ImageBatch {
  assertImages(images);
  const n = images.shape[0];
  const self = readPerImage(factor, 'factor', n, { min: 0 });
  return applyToImages(images, (batch) =>
    planes(blend(toPlanes(batch), { self, gray: new Float64Array(n), mean: new Float64Array(n) })),
  );
}

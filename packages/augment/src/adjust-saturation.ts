import type { ImageBatch } from '@simclr/core';
import { applyToImages, assertImages } from './augmentation.js';
import { blend } from './blend.js';
import { dimsOf, planes, toPlanes } from './layout.js';
import type { PerImage } from './per-image.js';
import { readPerImage } from './per-image.js';

/**
 * Blends each image with its per-pixel grayscale and clamps to [0, 1], as torchvision's
 * `F.adjust_saturation`. A 1-channel batch is returned unchanged (as a new tensor).
 *
 * @param factor per image, `>= 0`: 0 gives the grayscale image, 1 the original, above 1 more saturated.
 *   One number for all images, an array of N numbers, or a Tensor1D.
 */
export function adjustSaturation(images: ImageBatch, factor: PerImage): ImageBatch {
  assertImages(images);
  const n = images.shape[0];
  const self = readPerImage(factor, 'factor', n, { min: 0 });
  const gray = self.map((f) => 1 - f);
  return applyToImages(images, (batch) =>
    dimsOf(batch).c === 1 ? batch : planes(blend(toPlanes(batch), { self, gray, mean: new Float64Array(n) })),
  );
}

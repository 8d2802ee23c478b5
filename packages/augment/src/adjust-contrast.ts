import type { ImageBatch } from '@simclr/core';
import { applyToImages, assertImages } from './augmentation.js';
import { blend } from './blend.js';
import { planes, toPlanes } from './layout.js';
import type { PerImage } from './per-image.js';
import { readPerImage } from './per-image.js';

/**
 * Blends each image with the mean of its grayscale and clamps to [0, 1], as torchvision's
 * `F.adjust_contrast`.
 *
 * @param factor per image, `>= 0`: 0 gives a uniform gray image, 1 the original, above 1 more contrast.
 *   One number for all images, an array of N numbers, or a Tensor1D.
 */
export function adjustContrast(images: ImageBatch, factor: PerImage): ImageBatch {
  assertImages(images);
  const n = images.shape[0];
  const self = readPerImage(factor, 'factor', n, { min: 0 });
  const mean = self.map((f) => 1 - f);
  return applyToImages(images, (batch) =>
    planes(blend(toPlanes(batch), { self, gray: new Float64Array(n), mean })),
  );
}

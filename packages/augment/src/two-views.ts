import type { ImageBatch, Rng } from '@simclr/core';
import type { Augmentation } from './augmentation.js';
import { assertAugmentation } from './augmentation.js';

/**
 * The two independently augmented views of every image that SimCLR's loss compares: `augmentation` is
 * applied twice, drawing fresh parameters from `rng` each time. Neither view is the input tensor.
 */
export function twoViews(augmentation: Augmentation, images: ImageBatch, rng: Rng): [ImageBatch, ImageBatch] {
  assertAugmentation(augmentation, 'augmentation');
  const first = augmentation(images, rng);
  try {
    return [first, augmentation(images, rng)];
  } catch (error) {
    first.dispose();
    throw error;
  }
}

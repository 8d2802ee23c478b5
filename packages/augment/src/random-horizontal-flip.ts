import { assertProbability } from '@simclr/core';
import type { Augmentation } from './augmentation.js';
import { defineAugmentation } from './augmentation.js';
import { flipImages } from './horizontal-flip.js';
import { dimsOf } from './layout.js';
import { formatNumber, optionsObject } from './validate.js';

/** Options of {@link randomHorizontalFlip}. */
export interface RandomHorizontalFlipOptions {
  /** Probability that an image is flipped left to right. Default `0.5`. */
  p?: number;
}

/** Flips each image left to right with probability `p`, drawn per image (torchvision's `RandomHorizontalFlip`). */
export function randomHorizontalFlip(options?: RandomHorizontalFlipOptions): Augmentation {
  const { p = 0.5 } = optionsObject(options, 'randomHorizontalFlip options');
  assertProbability(p, 'p');
  return defineAugmentation(`randomHorizontalFlip({ p: ${formatNumber(p)} })`, (batch, rng) => {
    const mask = Float64Array.from({ length: dimsOf(batch).n }, () => (rng.bernoulli(p) ? 1 : 0));
    return flipImages(batch, mask);
  });
}

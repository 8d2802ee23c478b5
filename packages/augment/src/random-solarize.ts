import { assertNumber, assertProbability } from '@simclr/core';
import type { Augmentation } from './augmentation.js';
import { defineAugmentation } from './augmentation.js';
import { dimsOf } from './layout.js';
import { solarizeImages } from './solarize.js';
import { formatNumber, optionsObject } from './validate.js';

/** Options of {@link randomSolarize}. */
export interface RandomSolarizeOptions {
  /** Pixel values at or above this are inverted, in `[0, 1]`. Default `0.5`. */
  threshold?: number;
  /** Probability that an image is solarized. Default `0.5`. */
  p?: number;
}

/** Solarizes each image with probability `p` (torchvision's `RandomSolarize`). */
export function randomSolarize(options?: RandomSolarizeOptions): Augmentation {
  const { threshold = 0.5, p = 0.5 } = optionsObject(options, 'randomSolarize options');
  assertNumber(threshold, 'threshold', { min: 0, max: 1 });
  assertProbability(p, 'p');
  return defineAugmentation(
    `randomSolarize({ threshold: ${formatNumber(threshold)}, p: ${formatNumber(p)} })`,
    (batch, rng) => {
      // A threshold above every pixel value leaves an image exactly as it is.
      const thresholds = Float64Array.from({ length: dimsOf(batch).n }, () =>
        rng.bernoulli(p) ? threshold : 2,
      );
      return thresholds.every((t) => t === 2) ? batch : solarizeImages(batch, thresholds);
    },
  );
}

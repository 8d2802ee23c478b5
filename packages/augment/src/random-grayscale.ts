import { assertProbability } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from './augmentation.js';
import { defineAugmentation } from './augmentation.js';
import { dimsOf, planes, toPlanes } from './layout.js';
import { grayOf } from './rgb-to-grayscale.js';
import { selectImages } from './select-images.js';
import { formatNumber, optionsObject } from './validate.js';

/** Options of {@link randomGrayscale}. */
export interface RandomGrayscaleOptions {
  /** Probability that an image is converted to grayscale. Default `0.2`. */
  p?: number;
}

/**
 * Converts each image to grayscale with probability `p`, keeping its channel count (torchvision's
 * `RandomGrayscale`). 1-channel batches are already gray and pass through.
 */
export function randomGrayscale(options?: RandomGrayscaleOptions): Augmentation {
  const { p = 0.2 } = optionsObject(options, 'randomGrayscale options');
  assertProbability(p, 'p');
  return defineAugmentation(`randomGrayscale({ p: ${formatNumber(p)} })`, (batch, rng) => {
    const { n, c } = dimsOf(batch);
    const mask = Float64Array.from({ length: n }, () => (rng.bernoulli(p) ? 1 : 0));
    if (c === 1 || mask.every((m) => m === 0)) return batch;
    const rgb = planes(toPlanes(batch));
    const gray = grayOf(rgb.planes);
    return selectImages(mask, planes([gray, tf.clone(gray), tf.clone(gray)]), rgb);
  });
}

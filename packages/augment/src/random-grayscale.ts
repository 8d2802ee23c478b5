import { assertProbability, type Rng } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation, Stage } from './augmentation.js';
import { defineAugmentation } from './augmentation.js';
import { type Batch, dimsOf, planes, toPlanes } from './layout.js';
import { grayOf } from './rgb-to-grayscale.js';
import { selectImages } from './select-images.js';
import { formatNumber, optionsObject } from './validate.js';

/** Options of {@link randomGrayscale}. */
export interface RandomGrayscaleOptions {
  /** Probability that an image is converted to grayscale. Default `0.2`. */
  p?: number;
}

const grayscaleProbabilities = new WeakMap<Stage, number>();

/** The probability of a `randomGrayscale` stage, so a colour jitter before it can do its work too. */
export function grayscaleProbabilityOf(stage: Stage): number | undefined {
  return grayscaleProbabilities.get(stage);
}

/** Which of `n` images turn gray: 1 with probability `p`. */
export function drawGrayscale(rng: Rng, n: number, p: number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.bernoulli(p) ? 1 : 0));
}

/** The images where `mask` is 1 in grayscale, 3 channels kept. */
export function grayscaleImages(batch: Batch, mask: ArrayLike<number>): Batch {
  if (dimsOf(batch).c === 1 || Array.prototype.every.call(mask, (m) => m === 0)) return batch;
  const rgb = planes(toPlanes(batch));
  const gray = grayOf(rgb.planes);
  return selectImages(mask, planes([gray, tf.clone(gray), tf.clone(gray)]), rgb);
}

/**
 * Converts each image to grayscale with probability `p`, keeping its channel count (torchvision's
 * `RandomGrayscale`). 1-channel batches are already gray and pass through.
 */
export function randomGrayscale(options?: RandomGrayscaleOptions): Augmentation {
  const { p = 0.2 } = optionsObject(options, 'randomGrayscale options');
  assertProbability(p, 'p');
  const stage: Stage = (batch, rng) => grayscaleImages(batch, drawGrayscale(rng, dimsOf(batch).n, p));
  grayscaleProbabilities.set(stage, p);
  return defineAugmentation(`randomGrayscale({ p: ${formatNumber(p)} })`, stage);
}

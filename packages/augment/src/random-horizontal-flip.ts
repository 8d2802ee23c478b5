import type { Rng } from '@simclr/core';
import { assertProbability } from '@simclr/core';
import type { Augmentation, Stage } from './augmentation.js';
import { defineAugmentation } from './augmentation.js';
import { flipImages } from './horizontal-flip.js';
import { dimsOf } from './layout.js';
import { formatNumber, optionsObject } from './validate.js';

const flipProbabilities = new WeakMap<Stage, number>();

/** The flip probability of a `randomHorizontalFlip` stage, so a crop before it can do the flip itself. */
export function flipProbabilityOf(stage: Stage): number | undefined {
  return flipProbabilities.get(stage);
}

/** Whether to flip each of `n` images: 1 with probability `p`. */
export function drawFlips(rng: Rng, n: number, p: number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.bernoulli(p) ? 1 : 0));
}

/** Options of {@link randomHorizontalFlip}. */
export interface RandomHorizontalFlipOptions {
  /** Probability that an image is flipped left to right. Default `0.5`. */
  p?: number;
}

/** Flips each image left to right with probability `p`, drawn per image (torchvision's `RandomHorizontalFlip`). */
export function randomHorizontalFlip(options?: RandomHorizontalFlipOptions): Augmentation {
  const { p = 0.5 } = optionsObject(options, 'randomHorizontalFlip options');
  assertProbability(p, 'p');
  const stage: Stage = (batch, rng) => flipImages(batch, drawFlips(rng, dimsOf(batch).n, p));
  flipProbabilities.set(stage, p);
  return defineAugmentation(`randomHorizontalFlip({ p: ${formatNumber(p)} })`, stage);
}

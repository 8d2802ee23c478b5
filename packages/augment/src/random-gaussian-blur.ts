import { assertProbability } from '@simclr/core';
import type { Augmentation } from './augmentation.js';
import { defineAugmentation } from './augmentation.js';
import { assertKernelFits, blurImages, gaussianKernel, identityKernel } from './gaussian-blur.js';
import { dimsOf } from './layout.js';
import { assertKernelSize, assertPositiveRange, formatNumber, optionsObject } from './validate.js';

/** Options of {@link randomGaussianBlur}. */
export interface RandomGaussianBlurOptions {
  /**
   * Side of the square kernel, an odd integer >= 1. Default: 10% of the images' smaller side, rounded
   * down and made odd (SimCLR's choice), e.g. 3 for 32×32 and 23 for 224×224.
   */
  kernelSize?: number;
  /** Range the per-image standard deviation is drawn from uniformly, `0 < lo <= hi`. Default `[0.1, 2]`. */
  sigma?: [number, number];
  /** Probability that an image is blurred. Default `0.5`. */
  p?: number;
}

/** 10% of the side, rounded down and made odd: SimCLR's blur kernel size. */
export function defaultKernelSize(side: number): number {
  const k = Math.floor(side / 10);
  return k % 2 === 0 ? k + 1 : k;
}

/**
 * Blurs each image with probability `p` with a Gaussian of standard deviation drawn per image from
 * `sigma` (SimCLR's blur: torchvision's `RandomApply([GaussianBlur(k, sigma)], p)`).
 */
export function randomGaussianBlur(options?: RandomGaussianBlurOptions): Augmentation {
  const { kernelSize, sigma = [0.1, 2], p = 0.5 } = optionsObject(options, 'randomGaussianBlur options');
  if (kernelSize !== undefined) assertKernelSize(kernelSize, 'kernelSize');
  assertPositiveRange(sigma, 'sigma');
  assertProbability(p, 'p');
  const size = kernelSize === undefined ? '10% of the side' : String(kernelSize);
  const description = `randomGaussianBlur({ kernelSize: ${size}, sigma: [${formatNumber(sigma[0])}, ${formatNumber(sigma[1])}], p: ${formatNumber(p)} })`;
  return defineAugmentation(description, (batch, rng) => {
    const { n, h, w } = dimsOf(batch);
    const k = kernelSize ?? defaultKernelSize(Math.min(h, w));
    assertKernelFits(k, h, w, 'kernelSize');
    const applied = Array.from({ length: n }, () => rng.bernoulli(p));
    if (!applied.includes(true)) return batch;
    const kernels = applied.map((a) =>
      a ? gaussianKernel(k, rng.uniform(sigma[0], sigma[1])) : identityKernel(k),
    );
    return blurImages(batch, kernels);
  });
}

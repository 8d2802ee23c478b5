import { assertNumber, assertProbability } from '@simclr/core';
import type { Augmentation } from './augmentation.js';
import { colorJitter } from './color-jitter.js';
import { compose } from './compose.js';
import { defaultKernelSize, randomGaussianBlur } from './random-gaussian-blur.js';
import { randomGrayscale } from './random-grayscale.js';
import { randomHorizontalFlip } from './random-horizontal-flip.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { assertBoolean, assertPositiveRange, optionsObject, readSize } from './validate.js';

/** Options of {@link simclrAugment}. */
export interface SimclrAugmentOptions {
  /** Output side, or `[height, width]`. Required. */
  size: number | [number, number];
  /**
   * Colour distortion strength s: the jitter is brightness 0.8s, contrast 0.8s, saturation 0.8s and
   * hue 0.2s, in `[0, 2.5]` (hue cannot exceed 0.5). Default `1` (the paper's ImageNet setting).
   */
  strength?: number;
  /** Whether to end with the random Gaussian blur (the paper drops it for CIFAR-10). Default `true`. */
  blur?: boolean;
  /** Crop area range, as a fraction of the image. Default `[0.08, 1]`. */
  scale?: [number, number];
  /** Crop aspect ratio range (width / height). Default `[3/4, 4/3]`. */
  ratio?: [number, number];
  /** Probability of the colour jitter. Default `0.8`. */
  jitterP?: number;
  /** Probability of converting to grayscale. Default `0.2`. */
  grayscaleP?: number;
  /** Probability of the blur. Default `0.5`. */
  blurP?: number;
  /** Range of the blur's standard deviation. Default `[0.1, 2]`. */
  blurSigma?: [number, number];
}

/**
 * The augmentation of the SimCLR paper (Chen et al. 2020, appendix A): random resized crop, random
 * horizontal flip, colour jitter (0.8s, 0.8s, 0.8s, 0.2s) with p = 0.8, grayscale with p = 0.2 and,
 * with `blur`, a Gaussian blur with p = 0.5 whose kernel is 10% of the output side.
 */
export function simclrAugment(options: SimclrAugmentOptions): Augmentation {
  const opts = optionsObject(options, 'simclrAugment options');
  const [height, width] = readSize(opts.size, 'size');
  const {
    strength = 1,
    blur = true,
    scale = [0.08, 1],
    ratio = [3 / 4, 4 / 3],
    jitterP = 0.8,
    grayscaleP = 0.2,
    blurP = 0.5,
    blurSigma = [0.1, 2],
  } = opts;
  assertNumber(strength, 'strength', { min: 0, max: 2.5 });
  assertBoolean(blur, 'blur');
  assertPositiveRange(scale, 'scale');
  assertPositiveRange(ratio, 'ratio');
  assertProbability(jitterP, 'jitterP');
  assertProbability(grayscaleP, 'grayscaleP');
  assertProbability(blurP, 'blurP');
  assertPositiveRange(blurSigma, 'blurSigma');
  const s = strength;
  return compose([
    randomResizedCrop({ size: [height, width], scale, ratio }),
    randomHorizontalFlip(),
    colorJitter({ brightness: 0.8 * s, contrast: 0.8 * s, saturation: 0.8 * s, hue: 0.2 * s, p: jitterP }),
    randomGrayscale({ p: grayscaleP }),
    ...(blur
      ? [
          randomGaussianBlur({
            kernelSize: defaultKernelSize(Math.min(height, width)),
            sigma: blurSigma,
            p: blurP,
          }),
        ]
      : []),
  ]);
}

/**
 * SimCLR's CIFAR-10 augmentation: {@link simclrAugment} with strength 0.5 and no blur.
 *
 * @param size output side, or `[height, width]`. Default `32`.
 */
export function simclrCifarAugment(size: number | [number, number] = 32): Augmentation {
  return simclrAugment({ size, strength: 0.5, blur: false });
}

import type { Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { perImageTensor } from './layout.js';
import { grayPlane } from './rgb-to-grayscale.js';

/** What one blend step does to each image; index i is image i. */
export interface BlendWeights {
  /** Weight of the image itself (torchvision's `ratio`); 1 leaves the image unchanged. */
  self: Float64Array;
  /** Weight of the image's per-pixel grayscale (`1 - ratio` for saturation, else 0). */
  gray: Float64Array;
  /** Weight of the mean of the image's grayscale (`1 - ratio` for contrast, else 0). */
  mean: Float64Array;
}

export function identityWeights(n: number): BlendWeights {
  return { self: new Float64Array(n).fill(1), gray: new Float64Array(n), mean: new Float64Array(n) };
}

/**
 * `clamp(self·x + gray·gray(x) + mean·mean(gray(x)), 0, 1)` per image on a CNHW batch: torchvision's
 * `_blend` for brightness (blend with black), contrast (with the mean gray) and saturation (with the
 * per-pixel gray) at once, so images that each need a different one of them share a single pass.
 * Zero weights contribute exact zeros, so each image gets the same float operations as torchvision.
 */
export function blend(x: Tensor4D, weights: BlendWeights): Tensor4D {
  const anyGray = weights.gray.some((v) => v !== 0);
  const anyMean = weights.mean.some((v) => v !== 0);
  const scaled = tf.mul<Tensor4D>(x, perImageTensor(weights.self, 'CNHW'));
  if (!anyGray && !anyMean) return tf.clipByValue(scaled, 0, 1);
  const gray = grayPlane(x);
  const parts: Tensor4D[] = [];
  if (anyGray) parts.push(tf.mul<Tensor4D>(gray, perImageTensor(weights.gray, 'CNHW')));
  if (anyMean)
    parts.push(tf.mul<Tensor4D>(tf.mean(gray, [2, 3], true), perImageTensor(weights.mean, 'CNHW')));
  const target = parts.length === 1 ? parts[0]! : tf.add<Tensor4D>(parts[0]!, parts[1]!);
  return tf.clipByValue(tf.add<Tensor4D>(scaled, target), 0, 1);
}

import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { perImagePlane } from './layout.js';
import { grayOf } from './rgb-to-grayscale.js';

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
 * `clamp(self·x + gray·gray(x) + mean·mean(gray(x)), 0, 1)` per image on channel planes: torchvision's
 * `_blend` for brightness (blend with black), contrast (with the mean gray) and saturation (with the
 * per-pixel gray) at once, so images that each need a different one of them share a single pass.
 * Zero weights contribute exact zeros, so each image gets the same float operations as torchvision.
 */
export function blend(channels: readonly Tensor3D[], weights: BlendWeights): Tensor3D[] {
  const anyGray = weights.gray.some((v) => v !== 0);
  const anyMean = weights.mean.some((v) => v !== 0);
  const self = perImagePlane(weights.self);
  let target: Tensor3D | null = null;
  if (anyGray || anyMean) {
    const gray = grayOf(channels);
    const parts: Tensor3D[] = [];
    if (anyGray) parts.push(tf.mul(gray, perImagePlane(weights.gray)));
    if (anyMean) parts.push(tf.mul(tf.mean(gray, [1, 2], true), perImagePlane(weights.mean)));
    target = parts.length === 1 ? parts[0]! : tf.add<Tensor3D>(parts[0]!, parts[1]!);
  }
  return channels.map((x) => {
    const scaled = tf.mul<Tensor3D>(x, self);
    return tf.clipByValue(target === null ? scaled : tf.add<Tensor3D>(scaled, target), 0, 1);
  });
}

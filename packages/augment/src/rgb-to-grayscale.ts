import type { ImageBatch } from '@simclr/core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { applyToImages } from './augmentation.js';
import type { Batch } from './layout.js';
import { dimsOf, toLayout } from './layout.js';
import { assertBoolean, optionsObject } from './validate.js';

/** ITU-R 601 luma weights, the ones torchvision (and TensorFlow) use. */
const LUMA = [0.2989, 0.587, 0.114];

/**
 * The grayscale of a CNHW batch as a `[1, N, H, W]` tensor: one matrix product over the channel-major
 * data, which beats three channel slices on every backend. A 1-channel batch is its own grayscale.
 */
export function grayPlane(x: Tensor4D): Tensor4D {
  const [c, n, h, w] = x.shape;
  if (c === 1) return x;
  const flat = tf.reshape(x, [c, n * h * w]);
  return tf.reshape(tf.matMul(tf.tensor2d([LUMA]), flat), [1, n, h, w]);
}

/** Options of {@link rgbToGrayscale}. */
export interface RgbToGrayscaleOptions {
  /**
   * Keep 3 channels, each the grayscale (torchvision's `num_output_channels=3`), instead of returning
   * 1 channel. Default `false`. A 1-channel batch stays 1 channel either way.
   */
  keepChannels?: boolean;
}

/** The batch as grayscale, `0.2989 R + 0.587 G + 0.114 B`, as torchvision's `F.rgb_to_grayscale`. */
export function toGrayscale(batch: Batch, keepChannels: boolean): Batch {
  if (dimsOf(batch).c === 1) return batch;
  const gray = grayPlane(toLayout(batch, 'CNHW').x);
  return { x: keepChannels ? tf.concat([gray, gray, gray], 0) : gray, layout: 'CNHW' };
}

/**
 * Converts images to grayscale with torchvision's weights (`0.2989, 0.587, 0.114`), as
 * `F.rgb_to_grayscale`: 1 output channel unless `keepChannels`.
 */
export function rgbToGrayscale(images: ImageBatch, options?: RgbToGrayscaleOptions): ImageBatch {
  const { keepChannels = false } = optionsObject(options, 'rgbToGrayscale options');
  assertBoolean(keepChannels, 'keepChannels');
  return applyToImages(images, (batch) => toGrayscale(batch, keepChannels));
}

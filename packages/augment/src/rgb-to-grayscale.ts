import type { ImageBatch } from '@simclr/core';
import { luma } from '@simclr/core';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { applyToImages, assertImages } from './augmentation.js';
import type { Batch } from './layout.js';
import { dimsOf, planes, toPlanes } from './layout.js';
import { assertBoolean, optionsObject } from './validate.js';

/**
 * The grayscale of an image batch given as channel planes, `0.2989 R + 0.587 G + 0.114 B` in
 * torchvision's order of operations. A single plane is its own grayscale.
 */
export function grayOf(channels: readonly Tensor3D[]): Tensor3D {
  const [r, g, b] = channels;
  if (g === undefined || b === undefined) return r!;
  return luma(r!, g, b);
}

/** Options of {@link rgbToGrayscale}. */
export interface RgbToGrayscaleOptions {
  /**
   * Keep 3 channels, each the grayscale (torchvision's `num_output_channels=3`), instead of returning
   * 1 channel. Default `false`. A 1-channel batch stays 1 channel either way.
   */
  keepChannels?: boolean;
}

function toGrayscale(batch: Batch, keepChannels: boolean): Batch {
  if (dimsOf(batch).c === 1) return batch;
  const gray = grayOf(toPlanes(batch));
  return planes(keepChannels ? [gray, tf.clone(gray), tf.clone(gray)] : [gray]);
}

/**
 * Converts images to grayscale with torchvision's weights (`0.2989, 0.587, 0.114`), as
 * `F.rgb_to_grayscale`: 1 output channel unless `keepChannels`.
 */
export function rgbToGrayscale(images: ImageBatch, options?: RgbToGrayscaleOptions): ImageBatch {
  assertImages(images);
  const { keepChannels = false } = optionsObject(options, 'rgbToGrayscale options');
  assertBoolean(keepChannels, 'keepChannels');
  return applyToImages(images, (batch) => toGrayscale(batch, keepChannels));
}

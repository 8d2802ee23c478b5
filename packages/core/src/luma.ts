import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The weights of R, G and B in an image's grey level: ITU-R 601-2 luma as torchvision's
 * `rgb_to_grayscale` rounds it (PIL's `convert('L')` uses 0.299 for red).
 */
export const LUMA_WEIGHTS = [0.2989, 0.587, 0.114] as const;

/**
 * The grey level `0.2989 R + 0.587 G + 0.114 B` of same-shaped channel tensors, in torchvision's order
 * of operations (so float32 results are the same to the last bit).
 */
export function luma<T extends Tensor>(r: T, g: T, b: T): T {
  const [wr, wg, wb] = LUMA_WEIGHTS;
  return tf.add(tf.add(tf.mul(r, wr), tf.mul(g, wg)), tf.mul(b, wb));
}

import type { ImageBatch } from '@simclr/core';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { applyToImages, assertImages } from './augmentation.js';
import { dimsOf, perImagePlane, planes, toPlanes } from './layout.js';
import type { PerImage } from './per-image.js';
import { readPerImage } from './per-image.js';
import { selectImages } from './select-images.js';

/** Keeps a zero chroma's division finite: its numerator is exactly 0 then, so the hue is 0. */
const TINY = 1e-30;

/** `min(a, b)` as `a - relu(a - b)`: the wasm backend's Minimum kernel is ten times slower than these. */
function min2(a: Tensor3D, b: Tensor3D): Tensor3D {
  return tf.sub<Tensor3D>(a, tf.relu(tf.sub(a, b)));
}

/** One channel of the pure hue at t in [0, 6] sixths of a turn: `|t - centre| - 1` rising or `2 - |t - centre|`, clamped to [0, 1]. */
function hexagon(t: Tensor3D, centre: number, rising: boolean): Tensor3D {
  const d = tf.abs(tf.sub(t, centre));
  return tf.clipByValue(rising ? tf.sub<Tensor3D>(d, 1) : tf.sub<Tensor3D>(2, d), 0, 1);
}

/**
 * Rotates the hue of the images given as `[r, g, b]` planes by `delta[i]` turns where `apply[i]` is 1,
 * through HSV as torchvision's `F.adjust_hue` on tensors (`_rgb2hsv`, `(h + delta) mod 1`,
 * `_hsv2rgb`): the max channel picks the hue sector with ties going to red, then green, as there.
 * HSV to RGB is written as `min + chroma·hexagon(h)`, the same function as torchvision's sector table,
 * with comparisons as `step` of differences; both are arithmetic that every backend vectorises.
 */
export function shiftHue(
  rgb: readonly Tensor3D[],
  delta: ArrayLike<number>,
  apply: ArrayLike<number>,
): Tensor3D[] {
  const [r, g, b] = rgb as [Tensor3D, Tensor3D, Tensor3D];
  const gMinusR = tf.sub<Tensor3D>(g, r);
  const bMinusR = tf.sub<Tensor3D>(b, r);
  const bMinusG = tf.sub<Tensor3D>(b, g);
  const isR = tf.mul<Tensor3D>(tf.sub(1, tf.step(gMinusR)), tf.sub(1, tf.step(bMinusR)));
  const notR = tf.sub<Tensor3D>(1, isR);
  const isB = tf.mul<Tensor3D>(notR, tf.step(bMinusG));
  const isG = tf.sub<Tensor3D>(notR, isB);
  const max = tf.add<Tensor3D>(tf.add(tf.mul(isR, r), tf.mul(isG, g)), tf.mul(isB, b));
  const min = min2(min2(r, g), b);
  const chroma = tf.sub<Tensor3D>(max, min);

  // Hue in sixths of a turn: (g-b)/c on the red sector, 2+(b-r)/c on green, 4+(r-g)/c on blue.
  const numerator = tf.sub(tf.sub(tf.mul(isG, bMinusR), tf.mul(isR, bMinusG)), tf.mul(isB, gMinusR));
  const sector = tf.mul(tf.add(isG, tf.mul(isB, 2)), 2);
  const hue6 = tf.add(tf.div(numerator, tf.add(chroma, TINY)), sector);
  const shifted = tf.add(hue6, perImagePlane(Array.from(delta, (d) => 6 * d)));
  const t = tf.sub<Tensor3D>(shifted, tf.mul(tf.floor(tf.div(shifted, 6)), 6));

  const rebuilt = [hexagon(t, 3, true), hexagon(t, 2, false), hexagon(t, 4, false)].map((part) =>
    tf.add<Tensor3D>(min, tf.mul(chroma, part)),
  );
  return selectImages(apply, planes(rebuilt), planes([r, g, b])).planes;
}

/**
 * Rotates the hue of each image by its `delta` (in turns) through HSV, as torchvision's `F.adjust_hue`
 * on float tensors. A 1-channel batch is returned unchanged (as a new tensor).
 *
 * @param delta per image, in `[-0.5, 0.5]`; 0 keeps the hue, ±0.5 gives the complementary hue. One
 *   number for all images, an array of N numbers, or a Tensor1D.
 */
export function adjustHue(images: ImageBatch, delta: PerImage): ImageBatch {
  assertImages(images);
  const n = images.shape[0];
  const d = readPerImage(delta, 'delta', n, { min: -0.5, max: 0.5 });
  return applyToImages(images, (batch) =>
    dimsOf(batch).c === 1 ? batch : planes(shiftHue(toPlanes(batch), d, new Float64Array(n).fill(1))),
  );
}

import type { ImageBatch } from '@simclr/core';
import { assertImageBatch } from '@simclr/core';
import type { Rank, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { applyToImages } from './augmentation.js';
import { dimsOf, toLayout } from './layout.js';
import type { PerImage } from './per-image.js';
import { readPerImage } from './per-image.js';

/** Keeps a zero chroma's division finite: its numerator is exactly 0 then, so the hue is 0. */
const TINY = 1e-30;

/** `min(a, b)` as `a - relu(a - b)`: the wasm backend's Minimum kernel is ten times slower than these. */
function min2(a: Tensor2D, b: Tensor2D): Tensor2D {
  return tf.sub<Tensor2D>(a, tf.relu(tf.sub(a, b)));
}

/** One channel of the pure hue at t in [0, 6] sixths of a turn: `|t - centre| - 1` rising or `2 - |t - centre|`, clamped to [0, 1]. */
function hexagon(t: Tensor2D, centre: number, rising: boolean): Tensor2D {
  const d = tf.abs(tf.sub(t, centre));
  return tf.clipByValue(rising ? tf.sub<Tensor2D>(d, 1) : tf.sub<Tensor2D>(2, d), 0, 1);
}

/**
 * Rotates the hue of the images of a 3-channel CNHW batch by `delta[i]` turns where `apply[i]` is 1,
 * through HSV as torchvision's `F.adjust_hue` on tensors (`_rgb2hsv`, `(h + delta) mod 1`,
 * `_hsv2rgb`): the max channel picks the hue sector with ties going to red, then green, as there.
 * HSV to RGB is written as `min + chroma·hexagon(h)`, the same function as torchvision's sector table,
 * with comparisons as `step` of differences; both are arithmetic that every backend vectorises.
 */
export function shiftHue(x: Tensor4D, delta: ArrayLike<number>, apply: ArrayLike<number>): Tensor4D {
  const [c, n, h, w] = x.shape;
  const flat = tf.reshape(x, [c, n * h * w]);
  const channel = (i: number) =>
    tf.reshape<Rank.R2>(tf.matMul(tf.tensor2d([[0, 1, 2].map((j) => (j === i ? 1 : 0))]), flat), [n, h * w]);
  const [r, g, b] = [channel(0), channel(1), channel(2)];

  const gMinusR = tf.sub(g, r);
  const bMinusR = tf.sub(b, r);
  const bMinusG = tf.sub(b, g);
  const isR = tf.mul(tf.sub(1, tf.step(gMinusR)), tf.sub(1, tf.step(bMinusR)));
  const notR = tf.sub(1, isR);
  const isB = tf.mul(notR, tf.step(bMinusG));
  const isG = tf.sub(notR, isB);
  const max = tf.add(tf.add(tf.mul(isR, r), tf.mul(isG, g)), tf.mul(isB, b));
  const min = min2(min2(r, g), b);
  const chroma = tf.sub<Tensor2D>(max, min);

  // Hue in sixths of a turn: (g-b)/c on the red sector, 2+(b-r)/c on green, 4+(r-g)/c on blue.
  const numerator = tf.sub(tf.sub(tf.mul(isG, bMinusR), tf.mul(isR, bMinusG)), tf.mul(isB, gMinusR));
  const sector = tf.mul(tf.add(isG, tf.mul(isB, 2)), 2);
  const hue6 = tf.add(tf.div(numerator, tf.add(chroma, TINY)), sector);
  const shifted = tf.add(
    hue6,
    tf.tensor2d(
      Float32Array.from(delta, (d) => 6 * d),
      [n, 1],
    ),
  );
  const t = tf.sub<Tensor2D>(shifted, tf.mul(tf.floor(tf.div(shifted, 6)), 6));

  const rebuilt = [hexagon(t, 3, true), hexagon(t, 2, false), hexagon(t, 4, false)].map((part) =>
    tf.add(min, tf.mul(chroma, part)),
  );
  const all = Array.from(apply).every((a) => a === 1);
  const keep = all
    ? null
    : tf.tensor2d(
        Float32Array.from(apply, (a) => 1 - a),
        [n, 1],
      );
  const on = all ? null : tf.tensor2d(Float32Array.from(apply), [n, 1]);
  const out = [r, g, b].map((original, i) =>
    keep && on ? tf.add(tf.mul(rebuilt[i]!, on), tf.mul(original, keep)) : rebuilt[i]!,
  );
  return tf.reshape<Rank.R4>(tf.stack(out, 0), [c, n, h, w]);
}

/**
 * Rotates the hue of each image by its `delta` (in turns) through HSV, as torchvision's `F.adjust_hue`
 * on float tensors. A 1-channel batch is returned unchanged (as a new tensor).
 *
 * @param delta per image, in `[-0.5, 0.5]`; 0 keeps the hue, ±0.5 gives the complementary hue. One
 *   number for all images, an array of N numbers, or a Tensor1D.
 */
export function adjustHue(images: ImageBatch, delta: PerImage): ImageBatch {
  assertImageBatch(images, 'images');
  const n = images.shape[0];
  const d = readPerImage(delta, 'delta', n, { min: -0.5, max: 0.5 });
  return applyToImages(images, (batch) =>
    dimsOf(batch).c === 1
      ? batch
      : { x: shiftHue(toLayout(batch, 'CNHW').x, d, new Float64Array(n).fill(1)), layout: 'CNHW' },
  );
}

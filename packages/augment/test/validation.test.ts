import type { ImageBatch } from '@simclr/core';
import { createRng, SimclrError, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Augmentation } from '../src/index.js';
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  colorJitter,
  compose,
  gaussianBlur,
  horizontalFlip,
  randomApply,
  randomGaussianBlur,
  randomGrayscale,
  randomHorizontalFlip,
  randomResizedCrop,
  randomSolarize,
  resizedCrop,
  rgbToGrayscale,
  simclrAugment,
  solarize,
  twoViews,
} from '../src/index.js';

function expectError(fn: () => unknown, message: RegExp): void {
  expect(fn).toThrow(SimclrError);
  expect(fn).toThrow(message);
}

describe('bad input raises SimclrError naming the argument', () => {
  let images: ImageBatch;
  let tensors: tf.Tensor[];
  beforeAll(async () => {
    await setupBackend('cpu');
    images = tf.zeros([2, 8, 8, 3]);
    const nan = tf.buffer([2, 8, 8, 3]);
    nan.set(Number.NaN, 1, 2, 3, 0);
    tensors = [
      images,
      tf.zeros([8, 8, 3]),
      tf.zeros([2, 8, 8, 3], 'int32'),
      tf.zeros([2, 8, 8, 2]),
      nan.toTensor(),
      tf.fill([2, 8, 8, 3], Number.POSITIVE_INFINITY),
    ];
  });
  afterAll(() => tf.dispose(tensors));

  const rng = createRng(0);
  const crop = randomResizedCrop({ size: 8 });

  it('images: rank, dtype, channels, NaN and infinities', () => {
    for (const fn of [
      (x: unknown) => crop(x as ImageBatch, rng),
      (x: unknown) => adjustBrightness(x as ImageBatch, 1),
      (x: unknown) => resizedCrop(x as ImageBatch, [[0, 0, 1, 1]], 4),
      (x: unknown) => simclrAugment({ size: 8 })(x as ImageBatch, rng),
    ]) {
      expectError(() => fn(tensors[1]), /^images must be a rank-4 NHWC tensor, got shape \[8,8,3\]$/);
      expectError(
        () => fn(tensors[2]),
        /^images must be a float32 tensor with values in \[0, 1\], got dtype int32$/,
      );
      expectError(() => fn(tensors[3]), /^images must have 1 or 3 channels \(NHWC\), got 2/);
      expectError(() => fn([1, 2, 3]), /^images must be a tf.Tensor/);
      expectError(() => fn(tensors[4]), /^images must be finite, got a tensor that holds NaN or Infinity$/);
      expectError(() => fn(tensors[5]), /^images must be finite, got a tensor that holds NaN or Infinity$/);
    }
  });

  it('NaN and out-of-range per-image parameters, named with their index', () => {
    expectError(() => adjustBrightness(images, Number.NaN), /^factor must be a finite number >= 0, got NaN$/);
    expectError(
      () => adjustContrast(images, [1, Number.NaN]),
      /^factor\[1\] must be a finite number >= 0, got NaN$/,
    );
    expectError(() => adjustSaturation(images, -0.5), /^factor must be a finite number >= 0, got -0.5$/);
    expectError(
      () => adjustHue(images, [0.2, 0.7]),
      /^delta\[1\] must be a finite number >= -0.5 and <= 0.5, got 0.7$/,
    );
    expectError(() => solarize(images, 1.5), /^threshold must be a finite number >= 0 and <= 1, got 1.5$/);
    expectError(
      () => adjustBrightness(images, [1, 1, 1]),
      /^factor must have one value per image \(2\), got 3 values$/,
    );
    const wrong = tf.tensor1d([1, 2, 3]);
    expectError(
      () => adjustBrightness(images, wrong),
      /^factor must be a rank-1 tensor with one value per image \(2\)/,
    );
    wrong.dispose();
    expectError(
      () => horizontalFlip(images, [true, 2 as never]),
      /^mask\[1\] must be a boolean \(or 0\/1\), got 2$/,
    );
    expectError(
      () => gaussianBlur(images, { kernelSize: 3, sigma: [1, 0] }),
      /^sigma\[1\] must be a finite number > 0, got 0$/,
    );
  });

  it('p outside [0, 1] or NaN', () => {
    expectError(() => randomHorizontalFlip({ p: 1.5 }), /^p must be a finite number >= 0 and <= 1, got 1.5$/);
    expectError(() => randomGrayscale({ p: -0.1 }), /^p must be a finite number >= 0 and <= 1, got -0.1$/);
    expectError(() => colorJitter({ p: Number.NaN }), /^p must be .* got NaN$/);
    expectError(() => randomGaussianBlur({ p: 2 }), /^p must be /);
    expectError(() => randomSolarize({ p: 2 }), /^p must be /);
    expectError(() => randomApply(crop, 1.1), /^p must be /);
    expectError(() => simclrAugment({ size: 8, jitterP: 3 }), /^jitterP must be /);
  });

  it('kernel size even, below 1 or too large for reflect padding', () => {
    expectError(() => randomGaussianBlur({ kernelSize: 4 }), /^kernelSize must be odd, got 4$/);
    expectError(() => randomGaussianBlur({ kernelSize: 0 }), /^kernelSize must be an integer >= 1, got 0$/);
    expectError(
      () => gaussianBlur(images, { kernelSize: 2.5, sigma: 1 }),
      /^kernelSize must be an integer >= 1, got 2.5$/,
    );
    expectError(
      () => gaussianBlur(images, { kernelSize: 17, sigma: 1 }),
      /^kernelSize must be less than twice the image side/,
    );
    expectError(
      () => randomGaussianBlur({ kernelSize: 17 })(images, rng),
      /^kernelSize must be less than twice/,
    );
  });

  it('crop size <= 0, bad boxes, bad ranges', () => {
    expectError(
      () => randomResizedCrop({ size: 0 }),
      /^size must be a positive integer or \[height, width\] of positive integers, got 0$/,
    );
    expectError(() => randomResizedCrop({ size: [32, -1] }), /^size must be .* got \[32,-1\]$/);
    expectError(() => simclrAugment({ size: 2.5 }), /^size must be /);
    expectError(
      () =>
        resizedCrop(
          images,
          [
            [0, 0, 1, 1],
            [0, 0, 1, 1],
          ],
          0,
        ),
      /^size must be /,
    );
    expectError(
      () => resizedCrop(images, [[0, 0, 1, 1]], 4),
      /^boxes must be one \[y1, x1, y2, x2\] per image \(2\)/,
    );
    expectError(
      () =>
        resizedCrop(
          images,
          [
            [0, 0, 1, 1],
            [0.5, 0, 0.2, 1],
          ],
          4,
        ),
      /^boxes\[1\] must be \[y1, x1, y2, x2\] with 0 <= y1 < y2 <= 1/,
    );
    expectError(
      () =>
        resizedCrop(
          images,
          [
            [0, 0, 1, 1],
            [0.5, 0.5, 0.52, 0.52],
          ],
          4,
        ),
      /^boxes\[1\] must cover at least one whole pixel/,
    );
    expectError(
      () => randomResizedCrop({ size: 8, scale: [0, 1] }),
      /^scale must be a range \[lo, hi\] with 0 < lo <= hi, got \[0,1\]$/,
    );
    expectError(() => randomResizedCrop({ size: 8, ratio: [2, 1] }), /^ratio must be a range/);
    expectError(() => colorJitter({ hue: 0.6 }), /^hue must be a number in \[0, 0.5\] or a range/);
    expectError(() => colorJitter({ brightness: -1 }), /^brightness must be a number >= 0 or a range/);
    expectError(() => colorJitter({ saturation: [1.5, 1] }), /^saturation must be /);
    expectError(
      () => simclrAugment({ size: 8, strength: 3 }),
      /^strength must be a finite number >= 0 and <= 2.5, got 3$/,
    );
  });

  it('rng, options and augmentations of the wrong kind', () => {
    expectError(
      () => crop(images, {} as never),
      /^rng must be an Rng \(createRng\(seed\) from @simclr\/core\), got an object$/,
    );
    expectError(() => crop(images, Math.random as never), /^rng must be an Rng/);
    expectError(
      () => randomGrayscale(0.2 as never),
      /^randomGrayscale options must be an options object, got 0.2$/,
    );
    expectError(
      () => rgbToGrayscale(images, { keepChannels: 'yes' as never }),
      /^keepChannels must be true or false, got "yes"$/,
    );
    expectError(() => compose([crop, 42 as never]), /^augmentations\[1\] must be an Augmentation/);
    expectError(
      () => twoViews((() => images) as unknown as Augmentation, images, rng),
      /^augmentation must be an Augmentation/,
    );
    expectError(
      () => randomApply(crop, 0.5)(tf.zeros([2, 12, 12, 3]) as ImageBatch, createRng(0)),
      /^randomApply needs an augmentation that keeps the image shape/,
    );
  });
});

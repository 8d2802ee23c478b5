import type { ImageBatch } from '@simclr/core';
import { createRng } from '@simclr/core';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { Augmentation } from '../src/index.js';
import {
  adjustBrightness,
  adjustHue,
  colorJitter,
  compose,
  gaussianBlur,
  randomApply,
  randomGaussianBlur,
  randomGrayscale,
  randomHorizontalFlip,
  randomResizedCrop,
  randomSolarize,
  resizedCrop,
  simclrAugment,
  simclrCifarAugment,
  twoViews,
} from '../src/index.js';
import { sampleCropBox } from '../src/random-resized-crop.js';

function randomImages(shape: [number, number, number, number], seed = 1): ImageBatch {
  return tf.randomUniform(shape, 0, 1, 'float32', seed) as ImageBatch;
}

const halve: Augmentation = Object.assign((x: ImageBatch) => adjustBrightness(x, 0.5), {
  describe: () => 'halve brightness',
});

describeBackends('augmentations', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('simclrAugment: same seed gives identical views, another seed different ones', () => {
    const images = randomImages([6, 20, 20, 3]);
    const augment = simclrAugment({ size: 16 });
    const a = augment(images, createRng(7));
    const b = augment(images, createRng(7));
    const c = augment(images, createRng(8));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([images, a, b, c]);
  });

  it('simclrAugment keeps NHWC float32 in [0, 1], any size, 1 or 3 channels; the input survives', () => {
    for (const [shape, size, out] of [
      [[5, 24, 30, 3], 16, [5, 16, 16, 3]],
      [
        [5, 24, 30, 1],
        [12, 20],
        [5, 12, 20, 1],
      ],
    ] as const) {
      const images = randomImages([...shape]);
      const views = simclrAugment({ size: size as number }).call(null, images, createRng(1));
      expect(views.shape).toEqual(out);
      expect(views.dtype).toBe('float32');
      const [lo, hi] = [tf.min(views), tf.max(views)];
      expect(lo.dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(hi.dataSync()[0]).toBeLessThanOrEqual(1);
      expect(images.isDisposed).toBe(false);
      tf.dispose([images, views, lo, hi]);
    }
  });

  it('twoViews gives two different views of every image', () => {
    const images = randomImages([4, 16, 16, 3]);
    const [v1, v2] = twoViews(simclrCifarAugment(16), images, createRng(2));
    expect(v1.shape).toEqual([4, 16, 16, 3]);
    expect(v2.shape).toEqual([4, 16, 16, 3]);
    expect(Array.from(v1.dataSync())).not.toEqual(Array.from(v2.dataSync()));
    tf.dispose([images, v1, v2]);
  });

  it('randomResizedCrop crops the boxes torchvision sampling draws from the same Rng', () => {
    const images = randomImages([5, 12, 10, 3]);
    const out = randomResizedCrop({ size: [7, 9] })(images, createRng(4));
    const rng = createRng(4);
    const boxes = Array.from({ length: 5 }, () => sampleCropBox(rng, 12, 10, [0.08, 1], [3 / 4, 4 / 3]));
    const expected = resizedCrop(
      images,
      boxes.map((b) => [b.top / 12, b.left / 10, (b.top + b.height) / 12, (b.left + b.width) / 10]),
      [7, 9],
    );
    expectClose(out, expected, { atol: 1e-6 });
    tf.dispose([images, out, expected]);
  });

  it('probability 0 returns an equal, new tensor; probability 1 applies to every image', () => {
    const images = randomImages([3, 8, 8, 3]);
    for (const aug of [
      randomHorizontalFlip({ p: 0 }),
      colorJitter({ brightness: 0.5, hue: 0.1, p: 0 }),
      randomGrayscale({ p: 0 }),
      randomGaussianBlur({ p: 0 }),
      randomSolarize({ p: 0 }),
      randomApply(halve, 0),
      compose([]),
    ]) {
      const out = aug(images, createRng(1));
      expect(out).not.toBe(images);
      expect(Array.from(out.dataSync())).toEqual(Array.from(images.dataSync()));
      out.dispose();
    }
    const flipped = randomHorizontalFlip({ p: 1 })(images, createRng(1));
    const reversed = tf.reverse(images, 2);
    expectClose(flipped, reversed, { atol: 0 });
    const halved = randomApply(halve, 1)(images, createRng(1));
    const half = tf.mul(images, 0.5);
    expectClose(halved, half, { atol: 1e-7 });
    tf.dispose([images, flipped, reversed, halved, half]);
  });

  it('per-image parameters may be a number, an array or a Tensor1D', () => {
    const images = randomImages([3, 6, 6, 3]);
    // Exactly representable in float32, so the tensor holds the same values as the array.
    const delta = [0.125, -0.25, 0.5];
    const fromArray = adjustHue(images, delta);
    const deltaTensor = tf.tensor1d(delta);
    const fromTensor = adjustHue(images, deltaTensor);
    expectClose(fromTensor, fromArray, { atol: 0 });
    const sigma = tf.tensor1d([0.5, 0.5, 0.5]);
    const blurred = gaussianBlur(images, { kernelSize: 3, sigma });
    const blurredToo = gaussianBlur(images, { kernelSize: 3, sigma: 0.5 });
    expectClose(blurred, blurredToo, { atol: 0 });
    tf.dispose([images, fromArray, deltaTensor, fromTensor, sigma, blurred, blurredToo]);
  });

  it('compose draws from one Rng in order and accepts augmentations written elsewhere', () => {
    const images = randomImages([4, 10, 10, 3]);
    const flip = randomHorizontalFlip();
    const composed = compose([halve, flip, randomGrayscale({ p: 0.5 })])(images, createRng(9));
    const rng = createRng(9);
    const stepwise = [halve, flip, randomGrayscale({ p: 0.5 })].reduce<ImageBatch>((x, aug) => {
      const y = aug(x, rng);
      if (x !== images) x.dispose();
      return y;
    }, images);
    expectClose(composed, stepwise, { atol: 1e-6 });
    tf.dispose([images, composed, stepwise]);
  });

  it('a crop followed by a flip runs as one pass with the same result as the two in turn', () => {
    const images = randomImages([6, 11, 13, 3]);
    const crop = randomResizedCrop({ size: [9, 7] });
    const flip = randomHorizontalFlip();
    const fused = compose([crop, flip])(images, createRng(3));
    const rng = createRng(3);
    const cropped = crop(images, rng);
    const inTurn = flip(cropped, rng);
    expect(Array.from(fused.dataSync())).toEqual(Array.from(inTurn.dataSync()));
    tf.dispose([images, fused, cropped, inTurn]);
  });

  it('describe() says what each augmentation does, with its defaults', () => {
    expect(randomResizedCrop({ size: 32 }).describe()).toBe(
      'randomResizedCrop({ size: [32, 32], scale: [0.08, 1], ratio: [0.75, 1.3333] })',
    );
    expect(colorJitter({ brightness: 0.4, hue: 0.1, p: 0.8 }).describe()).toBe(
      'colorJitter({ brightness: [0.6, 1.4], hue: [-0.1, 0.1], p: 0.8 })',
    );
    expect(randomApply(halve, 0.3).describe()).toBe('randomApply(halve brightness, 0.3)');
    expect(simclrCifarAugment(32).describe()).toBe(
      [
        'compose([',
        '  randomResizedCrop({ size: [32, 32], scale: [0.08, 1], ratio: [0.75, 1.3333] }),',
        '  randomHorizontalFlip({ p: 0.5 }),',
        '  colorJitter({ brightness: [0.6, 1.4], contrast: [0.6, 1.4], saturation: [0.6, 1.4], hue: [-0.1, 0.1], p: 0.8 }),',
        '  randomGrayscale({ p: 0.2 }),',
        '])',
      ].join('\n'),
    );
    expect(simclrAugment({ size: 96 }).describe()).toContain(
      'randomGaussianBlur({ kernelSize: 9, sigma: [0.1, 2], p: 0.5 })',
    );
    expect(simclrAugment({ size: 224 }).describe()).toContain('kernelSize: 23');
  });
});

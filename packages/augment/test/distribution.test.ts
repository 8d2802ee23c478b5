import type { ImageBatch } from '@simclr/core';
import { createRng } from '@simclr/core';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Augmentation } from '../src/index.js';
import {
  adjustBrightness,
  colorJitter,
  randomApply,
  randomGaussianBlur,
  randomGrayscale,
  randomHorizontalFlip,
  randomSolarize,
} from '../src/index.js';
import { sampleCropBox } from '../src/random-resized-crop.js';
import reference from './fixtures/crop-params.json' with { type: 'json' };

/** Two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs. */
function ks(a: number[], b: number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

function quantiles(values: number[], qs = [0.05, 0.25, 0.5, 0.75, 0.95]): number[] {
  const s = [...values].sort((p, q) => p - q);
  return qs.map((q) => Number(s[Math.floor(q * (s.length - 1))]!.toFixed(4)));
}

describe('randomResizedCrop sampling against torchvision RandomResizedCrop.get_params', () => {
  for (const config of reference.samplers) {
    const { height, width, draws } = config;
    const scale = config.scale as [number, number];
    const ratio = config.ratio as [number, number];
    it(`${height}x${width}, scale [${scale}], ratio [${ratio.map((r) => r.toFixed(3))}]: ${draws} draws each`, () => {
      const theirs = config.histogram.flatMap(([h, w, count]) =>
        Array.from({ length: count! }, () => [h!, w!]),
      );
      const rng = createRng(height * 1000 + width);
      const ours = Array.from({ length: draws }, () => sampleCropBox(rng, height, width, scale, ratio));
      const area = (h: number, w: number) => (h * w) / (height * width);
      const dArea = ks(
        ours.map((b) => area(b.height, b.width)),
        theirs.map(([h, w]) => area(h!, w!)),
      );
      const dRatio = ks(
        ours.map((b) => b.width / b.height),
        theirs.map(([h, w]) => w! / h!),
      );
      // 1.95·sqrt(2/n): the two-sided KS critical value at alpha = 0.001.
      const critical = 1.95 * Math.sqrt(2 / draws);
      console.info(
        `${height}x${width} scale [${scale}]: KS area ${dArea.toFixed(4)}, KS aspect ${dRatio.toFixed(4)} ` +
          `(critical ${critical.toFixed(4)}); area quantiles ours ${quantiles(ours.map((b) => area(b.height, b.width)))} ` +
          `torchvision ${quantiles(theirs.map(([h, w]) => area(h!, w!)))}`,
      );
      expect(dArea).toBeLessThan(critical);
      expect(dRatio).toBeLessThan(critical);

      // Positions are uniform over the places the crop fits.
      const offsets = ours.filter((b) => b.height < height).map((b) => b.top / (height - b.height));
      const meanOffset = offsets.reduce((s, v) => s + v, 0) / offsets.length;
      expect(Math.abs(meanOffset - 0.5)).toBeLessThan(0.01);
      for (const b of ours) {
        expect(b.top + b.height).toBeLessThanOrEqual(height);
        expect(b.left + b.width).toBeLessThanOrEqual(width);
      }
    });
  }

  it('takes the centred fallback as often as torchvision when no try fits', () => {
    const config = reference.samplers.find((s) => s.ratio[0] === 2)!;
    // The fallback clamps the 32x32 image to ratio 2: a 16x32 box (which a try can also give).
    const isFallback = (h: number, w: number) => h === 16 && w === 32;
    const theirs =
      config.histogram.filter(([h, w]) => isFallback(h!, w!)).reduce((s, [, , n]) => s + n!, 0) /
      config.draws;
    const rng = createRng(3);
    const ours = Array.from({ length: config.draws }, () =>
      sampleCropBox(rng, 32, 32, config.scale as [number, number], config.ratio as [number, number]),
    );
    const rate = ours.filter((b) => isFallback(b.height, b.width)).length / config.draws;
    console.info(`centre-crop fallback rate: ours ${rate.toFixed(4)}, torchvision ${theirs.toFixed(4)}`);
    expect(Math.abs(rate - theirs)).toBeLessThan(0.01);
  });
});

/** Which images an augmentation changed, on a batch of tiny, colourful, asymmetric images. */
function changed(augmentation: Augmentation, n: number, seed: number, size = 2): boolean[] {
  const pixel = [0.9, 0.1, 0.3, 0.2, 0.7, 0.5, 0.6, 0.35, 0.05, 0.15, 0.45, 0.8];
  const one = Array.from({ length: size * size * 3 }, (_, i) => pixel[i % pixel.length]!);
  const images = tf.tidy(() => tf.tile(tf.tensor4d(one, [1, size, size, 3]), [n, 1, 1, 1])) as ImageBatch;
  const out = augmentation(images, createRng(seed));
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(out, images)), [1, 2, 3]).dataSync());
  tf.dispose([images, out]);
  return Array.from(diff, (d) => d > 1e-6);
}

describeBackends('per-image rates', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  const n = 40_000;
  const cases: [string, Augmentation, number][] = [
    ['randomHorizontalFlip p=0.5', randomHorizontalFlip(), 0.5],
    ['randomHorizontalFlip p=0.3', randomHorizontalFlip({ p: 0.3 }), 0.3],
    ['colorJitter p=0.8', colorJitter({ brightness: 0.5, p: 0.8 }), 0.8],
    ['randomGrayscale p=0.2', randomGrayscale(), 0.2],
    ['randomGaussianBlur p=0.5', randomGaussianBlur({ kernelSize: 3, sigma: [1, 2] }), 0.5],
    ['randomSolarize p=0.4', randomSolarize({ p: 0.4 }), 0.4],
    [
      'randomApply p=0.3',
      randomApply(
        Object.assign((x: ImageBatch) => adjustBrightness(x, 0.5), { describe: () => 'halve' }),
        0.3,
      ),
      0.3,
    ],
  ];
  cases.forEach(([name, augmentation, p], i) => {
    it(`${name}: applied to a fraction within 0.01 of p over ${n} images`, () => {
      const rate = changed(augmentation, n, 100 + i).filter(Boolean).length / n;
      console.info(`${backend} ${name}: rate ${rate.toFixed(4)}`);
      expect(Math.abs(rate - p)).toBeLessThan(0.01);
    });
  });
});

import type { ImageBatch } from '@simclr/core';
import { compareClose, describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import type { JitterDraw } from '../src/color-jitter.js';
import { applyJitter } from '../src/color-jitter.js';
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  gaussianBlur,
  horizontalFlip,
  resizedCrop,
  rgbToGrayscale,
  solarize,
} from '../src/index.js';
import { toNHWC } from '../src/layout.js';
import { cropResize } from '../src/resample.js';
import fixtures from './fixtures/ops.json' with { type: 'json' };

type Encoded = { shape: number[]; data: number[] };
type Case = { input: string; params: unknown; output: Encoded };

const images = fixtures.images as Record<string, Encoded>;
const cases = fixtures.cases as Record<string, Case>;

function load(e: Encoded): ImageBatch {
  return tf.tensor4d(e.data, e.shape as [number, number, number, number]);
}

/** Runs one fixture case with this package's function for it. */
function run(name: string, x: ImageBatch, params: unknown): ImageBatch {
  const op = name.split('/')[0];
  const p = params as never;
  switch (op) {
    case 'adjustBrightness':
      return adjustBrightness(x, p);
    case 'adjustContrast':
      return adjustContrast(x, p);
    case 'adjustSaturation':
      return adjustSaturation(x, p);
    case 'adjustHue':
      return adjustHue(x, p);
    case 'rgbToGrayscale':
      return rgbToGrayscale(x, { keepChannels: p });
    case 'gaussianBlur':
      return gaussianBlur(x, p);
    case 'solarize':
      return solarize(x, p);
    case 'horizontalFlip':
      return horizontalFlip(x, p);
    case 'resizedCrop': {
      const { boxes, size } = params as { boxes: number[][]; size: [number, number] };
      const [, h, w] = x.shape;
      const normalised = boxes.map(([t, l, bh, bw]) => [t! / h, l! / w, (t! + bh!) / h, (l! + bw!) / w]);
      return resizedCrop(x, normalised, size);
    }
    case 'colorJitter':
      return tf.tidy(() => toNHWC(applyJitter({ layout: 'NHWC', x }, params as JitterDraw[])));
    default:
      throw new Error(`no function for fixture ${name}`);
  }
}

describeBackends('torchvision parity', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  const errors: string[] = [];
  afterAll(() => {
    console.info(`max |ours - torchvision| on ${backend}:\n  ${errors.join('\n  ')}`);
  });

  it(`fixtures come from torch ${fixtures.torch}, torchvision ${fixtures.torchvision}`, () => {
    expect(Object.keys(cases).length).toBeGreaterThan(30);
  });

  for (const [name, c] of Object.entries(cases)) {
    // Hue goes through HSV's divisions, where float32 rounding is amplified near gray pixels.
    const atol = name.startsWith('adjustHue') || name.startsWith('colorJitter') ? 1e-3 : 1e-4;
    it(`${name} matches to ${atol}`, () => {
      const x = load(images[c.input]!);
      const out = run(name, x, c.params);
      expect(out.shape).toEqual(c.output.shape);
      const { maxAbs } = compareClose(out, c.output.data);
      errors.push(`${name}: ${maxAbs.toExponential(2)}`);
      expectClose(out, c.output.data, { atol, label: name });
      tf.dispose([x, out]);
    });
  }

  // The gather-based resampling that GPU backends use, checked on every backend.
  for (const [name, c] of Object.entries(cases).filter(([k]) => k.startsWith('resizedCrop'))) {
    it(`${name} matches on the batched-gather path too`, () => {
      const x = load(images[c.input]!);
      const { boxes, size } = c.params as { boxes: number[][]; size: [number, number] };
      const pixelBoxes = boxes.map(([top, left, height, width]) => ({
        top: top!,
        left: left!,
        height: height!,
        width: width!,
      }));
      const out = tf.tidy(() => {
        const mirror = new Float64Array(boxes.length);
        return toNHWC(cropResize({ layout: 'NHWC', x }, pixelBoxes, mirror, size[0], size[1], 'device'));
      });
      const { maxAbs } = compareClose(out, c.output.data);
      errors.push(`${name} (gather path): ${maxAbs.toExponential(2)}`);
      expectClose(out, c.output.data, { atol: 1e-4, label: name });
      tf.dispose([x, out]);
    });
  }
});

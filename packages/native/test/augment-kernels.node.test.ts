import '@tensorflow/tfjs-backend-wasm';
import { ColorJitter, CropResize, createRng, setupBackend } from '@simclr/core';
import { compareClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyJitter } from '../../augment/src/color-jitter.js';
import { fusedColor } from '../../augment/src/fused-color.js';
import {
  blurByConvolution,
  blurImages,
  gaussianKernel,
  identityKernel,
} from '../../augment/src/gaussian-blur.js';
import { toNHWC } from '../../augment/src/layout.js';
import { grayscaleImages } from '../../augment/src/random-grayscale.js';
import { sampleCropBox } from '../../augment/src/random-resized-crop.js';
import { cropResize } from '../../augment/src/resample.js';
import { draws, images } from '../../augment/test/fixtures/color-draws.js';

describe('the native colour kernel', () => {
  beforeAll(async () => {
    expect((await setupBackend('native')).name).toBe('native');
  });

  for (const c of [3, 1]) {
    it(`equals colour jitter then grayscale op by op on wasm to 1e-6 (${c} channel${c === 3 ? 's' : ''})`, async () => {
      const x = images(24, c, 5 + c);
      const { jitter, gray } = draws(24, 9 + c);
      const native = tf.tidy(() => toNHWC(fusedColor({ layout: 'NHWC', x }, jitter, gray)!));
      const kernel = tf.getKernel(ColorJitter, 'wasm')!.kernelFunc;
      await setupBackend('wasm');
      // The op-by-op path on plain wasm, and the kernel it replaced (@simclr/augment's host loop).
      const ops = tf.tidy(() => toNHWC(grayscaleImages(applyJitter({ layout: 'NHWC', x }, jitter), gray)));
      const host = tf.tidy(() => toNHWC(fusedColor({ layout: 'NHWC', x }, jitter, gray)!));
      expect(tf.getKernel(ColorJitter, 'wasm')!.kernelFunc).not.toBe(kernel);
      await setupBackend('native');
      expect(compareClose(native, ops.dataSync()).maxAbs).toBeLessThanOrEqual(1e-6);
      expect(compareClose(native, host.dataSync()).maxAbs).toBeLessThanOrEqual(1e-6);
      expect(compareClose(native, x.dataSync()).maxAbs).toBeGreaterThan(0.1);
      tf.dispose([x, native, ops, host]);
    });
  }
});

describe('the native blur kernel', () => {
  it('equals the depthwise convolutions on wasm to 1e-6', async () => {
    expect((await setupBackend('native')).name).toBe('native');
    const rng = createRng(3);
    const x = tf.randomUniform([9, 21, 18, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
    const kernels = Array.from({ length: 9 }, (_, i) =>
      i % 4 === 3 ? identityKernel(7) : gaussianKernel(7, rng.uniform(0.1, 2)),
    );
    const native = tf.tidy(() => toNHWC(blurImages({ layout: 'NHWC', x }, kernels)));
    await setupBackend('wasm');
    const ops = tf.tidy(() => toNHWC(blurByConvolution({ layout: 'NHWC', x }, kernels)));
    await setupBackend('native');
    expect(compareClose(native, ops.dataSync()).maxAbs).toBeLessThanOrEqual(1e-6);
    expect(compareClose(native, x.dataSync()).maxAbs).toBeGreaterThan(0.05);
    tf.dispose([x, native, ops]);
  });
});

describe('the native crop kernel', () => {
  it("equals @simclr/augment's host loop bit for bit, flips included", async () => {
    expect((await setupBackend('native')).name).toBe('native');
    const rng = createRng(9);
    const x = tf.randomUniform([7, 23, 19, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const boxes = Array.from({ length: 7 }, () => sampleCropBox(rng, 23, 19, [0.08, 1], [3 / 4, 4 / 3]));
    const mirror = Float64Array.from({ length: 7 }, (_, i) => i % 2);
    const native = tf.tidy(() => toNHWC(cropResize({ layout: 'NHWC', x }, boxes, mirror, 12, 14)));
    const kernel = tf.getKernel(CropResize, 'wasm')!.kernelFunc;
    await setupBackend('wasm');
    const host = tf.tidy(() => toNHWC(cropResize({ layout: 'NHWC', x }, boxes, mirror, 12, 14)));
    expect(tf.getKernel(CropResize, 'wasm')!.kernelFunc).not.toBe(kernel);
    await setupBackend('native');
    expect(native.shape).toEqual([7, 12, 14, 3]);
    expect(compareClose(native, host.dataSync()).maxAbs).toBe(0);
    tf.dispose([x, native, host]);
  });
});

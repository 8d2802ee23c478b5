import { createRng, GaussianBlur } from '@simclr/core';
import { compareClose, describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { blurByConvolution, blurImages, gaussianKernel, identityKernel } from '../src/gaussian-blur.js';
import { toNHWC } from '../src/layout.js';

describeBackends('the blur kernel', ['cpu', 'wasm'], () => {
  for (const [label, shape, size] of [
    ['3 channels, kernel 5', [6, 13, 10, 3], 5],
    ['1 channel, kernel 9 on a 5-pixel side', [4, 5, 17, 1], 9],
  ] as const) {
    it(`equals the depthwise convolutions to 1e-6: ${label}`, () => {
      const rng = createRng(shape[0]);
      const x = tf.randomUniform([...shape], 0, 1, 'float32', 4);
      const kernels = Array.from({ length: shape[0] }, (_, i) =>
        i % 3 === 2 ? identityKernel(size) : gaussianKernel(size, rng.uniform(0.1, 2)),
      );
      const [fused, ops] = tf.tidy(() => [
        toNHWC(blurImages({ layout: 'NHWC', x: x as tf.Tensor4D }, kernels)),
        toNHWC(blurByConvolution({ layout: 'NHWC', x: x as tf.Tensor4D }, kernels)),
      ]);
      expect(tf.getKernel(GaussianBlur, tf.getBackend())).toBeDefined();
      expect(compareClose(fused!, ops!.dataSync()).maxAbs).toBeLessThanOrEqual(1e-6);
      expect(compareClose(fused!, x.dataSync()).maxAbs).toBeGreaterThan(0.05);
      tf.dispose([x, fused!, ops!]);
    });
  }
});

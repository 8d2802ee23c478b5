import { ColorJitter, createRng } from '@simclr/core';
import { compareClose, describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { applyJitter } from '../src/color-jitter.js';
import { fusedColor } from '../src/fused-color.js';
import { colorJitter, compose, randomGrayscale } from '../src/index.js';
import { toNHWC } from '../src/layout.js';
import { grayscaleImages } from '../src/random-grayscale.js';
import { draws, images } from './fixtures/color-draws.js';

// The op-by-op path runs float32 operations one tensor at a time; the kernel runs the same operations
// per pixel. wasm and cpu round identically but for the contrast mean's summation order; webgl's shader
// compiler may contract multiply-adds.
const ATOL = { cpu: 1e-6, wasm: 1e-6, webgl: 1e-5 } as const;

describeBackends('the fused colour kernel', ['cpu', 'wasm', 'webgl'], (backend) => {
  for (const c of [3, 1]) {
    it(`equals colour jitter then grayscale op by op (${c} channel${c === 3 ? 's' : ''})`, () => {
      const x = images(20, c, 3 + c);
      const { jitter, gray } = draws(20, 7 + c);
      const [fused, ops] = tf.tidy(() => {
        const kernel = fusedColor({ layout: 'NHWC', x }, jitter, gray);
        expect(kernel).toBeDefined();
        return [toNHWC(kernel!), toNHWC(grayscaleImages(applyJitter({ layout: 'NHWC', x }, jitter), gray))];
      });
      const { maxAbs } = compareClose(fused!, ops!.dataSync());
      expect(maxAbs).toBeLessThanOrEqual(ATOL[backend as keyof typeof ATOL]);
      // And it did change the images (hue, contrast …), so the comparison means something.
      expect(compareClose(fused!, x.dataSync()).maxAbs).toBeGreaterThan(0.1);
      tf.dispose([x, fused!, ops!]);
    });
  }

  it('is what colorJitter followed by randomGrayscale runs, with the same draws', () => {
    expect(tf.getKernel(ColorJitter, tf.getBackend())).toBeDefined();
    const x = images(16, 3, 11);
    const pipeline = compose([
      colorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, p: 0.8 }),
      randomGrayscale({ p: 0.2 }),
    ]);
    const fused = pipeline(x, createRng(5));
    tf.unregisterKernel(ColorJitter, tf.getBackend());
    try {
      const ops = pipeline(x, createRng(5));
      expect(compareClose(fused, ops.dataSync()).maxAbs).toBeLessThanOrEqual(
        ATOL[backend as keyof typeof ATOL],
      );
      ops.dispose();
    } finally {
      // The next use registers it again.
      colorJitter({ brightness: 0.5 })(x, createRng(0)).dispose();
    }
    expect(tf.getKernel(ColorJitter, tf.getBackend())).toBeDefined();
    tf.dispose([x, fused]);
  });
});

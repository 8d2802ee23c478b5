import '@tensorflow/tfjs-backend-wasm';
import { BatchNormTraining, batchNormTraining, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  batchNormErrors,
  CASES,
  caseProblem,
  EPSILON,
  relError,
} from '../../core/test/batch-norm-reference.js';

describe('fused training batch norm (native)', () => {
  beforeAll(async () => {
    expect((await setupBackend('native')).name).toBe('native');
    expect(tf.getKernel(BatchNormTraining, 'wasm')).toBeDefined();
  });
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  });

  for (const c of CASES) {
    it(`y, mean, variance and the gradients of x, scale, offset match float64: ${c.label}`, () => {
      const e = batchNormErrors(batchNormTraining, caseProblem(c));
      // With a mean of 30 and a spread of 0.01, the float32 mean alone is off by up to 1e-6: 2e-4 of a
      // deviation. Elsewhere the kernel is as exact as float32 sums allow.
      const far = c.center > 10;
      expect(e.y, 'y').toBeLessThan(far ? 5e-4 : 2e-5);
      expect(e.mean, 'mean').toBeLessThan(1e-6);
      expect(e.variance, 'variance').toBeLessThan(far ? 1e-3 : 1e-5);
      expect(e.dx, 'dx').toBeLessThan(far ? 1e-3 : 1e-4);
      expect(e.dscale, 'dscale').toBeLessThan(far ? 1e-3 : 1e-4);
      expect(e.doffset, 'doffset').toBeLessThan(1e-4);
    });
  }

  it('equals the ops it replaces (moments + batchNorm on wasm) within float rounding', async () => {
    const p = caseProblem(CASES[0]!);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor(Float32Array.from(p.x), p.shape);
        const scale = tf.tensor1d(Float32Array.from(p.scale));
        const offset = tf.tensor1d(Float32Array.from(p.offset));
        const wy = tf.tensor(Float32Array.from(p.wy), p.shape);
        const f = (a: tf.Tensor, b: tf.Tensor, o: tf.Tensor) =>
          tf.sum(tf.mul(wy, batchNormTraining(a, b as tf.Tensor1D, o as tf.Tensor1D, EPSILON)[0]));
        return [batchNormTraining(x, scale, offset, EPSILON)[0], ...tf.grads(f)([x, scale, offset])].map(
          (t) => t.dataSync().slice(),
        );
      });
    const fused = run();
    await setupBackend('wasm');
    expect(tf.getKernel(BatchNormTraining, 'wasm')).toBeUndefined();
    const plain = run();
    await setupBackend('native');
    fused.forEach((f, i) => {
      expect(relError(f, plain[i]!), `output ${i}`).toBeLessThan(1e-5);
    });
  });
});

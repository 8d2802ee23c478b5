import { registerTrainingKernels, SimclrError, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GRADIENT_OVERRIDES } from '../src/kernels/gradient-overrides.js';

const inBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined';

function kernelFunc(kernelName: string, backendName: string): tf.KernelFunc | undefined {
  return tf.getKernel(kernelName, backendName)?.kernelFunc;
}

describe('registerTrainingKernels', () => {
  it.runIf(!inBrowser)('setupBackend gives wasm its training kernels, once (it ships no dW)', async () => {
    await setupBackend('wasm');
    expect(kernelFunc(tf.Conv2DBackpropFilter, 'wasm')).toBeTypeOf('function');
    const names = [tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.BatchMatMul];
    const registered = names.map((n) => kernelFunc(n, 'wasm'));
    const count = tf.getKernelsForBackend('wasm').length;
    registerTrainingKernels('wasm');
    registerTrainingKernels('wasm');
    expect(names.map((n) => kernelFunc(n, 'wasm'))).toEqual(registered);
    expect(tf.getKernelsForBackend('wasm').length).toBe(count);
  });

  it.runIf(!inBrowser)('keeps working after the engine re-initialises the wasm backend', async () => {
    await setupBackend('wasm');
    tf.engine().reset();
    await setupBackend('wasm');
    const [product, dx] = tf.tidy(() => [
      tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.eye(2), true).arraySync(),
      tf
        .conv2dTranspose(
          tf.ones([1, 2, 2, 1]) as tf.Tensor4D,
          tf.ones([1, 1, 1, 1]) as tf.Tensor4D,
          [1, 2, 2, 1],
          1,
          'valid',
        )
        .arraySync(),
    ]);
    expect(product).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(dx).toEqual([
      [
        [[1], [1]],
        [[1], [1]],
      ],
    ]);
  });

  it('is idempotent on cpu and replaces a kernel the backend package registered again', async () => {
    await setupBackend('cpu');
    const ours = kernelFunc(tf.Conv2DBackpropFilter, 'cpu');
    registerTrainingKernels('cpu');
    expect(kernelFunc(tf.Conv2DBackpropFilter, 'cpu')).toBe(ours);

    const standIn: tf.KernelFunc = () => {
      throw new Error('not ours');
    };
    tf.unregisterKernel(tf.Conv2DBackpropFilter, 'cpu');
    tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: 'cpu', kernelFunc: standIn });
    registerTrainingKernels('cpu');
    expect(kernelFunc(tf.Conv2DBackpropFilter, 'cpu')).toBe(ours);
  });

  it('leaves backends it has no kernels for alone', async () => {
    await setupBackend('cpu');
    const before = tf.getKernelsForBackend('webgpu').length;
    expect(() => registerTrainingKernels('webgpu')).not.toThrow();
    expect(() => registerTrainingKernels('no-such-backend')).not.toThrow();
    expect(tf.getKernelsForBackend('webgpu').length).toBe(before);
    expect(tf.getKernelsForBackend('no-such-backend')).toEqual([]);
  });

  it("needs the backend's own kernels, and says which package to import", async () => {
    await setupBackend('cpu');
    const conv2d = tf.getKernel(tf.Conv2D, 'cpu');
    tf.unregisterKernel(tf.Conv2D, 'cpu');
    try {
      expect(() => registerTrainingKernels('cpu')).toThrow(SimclrError);
      expect(() => registerTrainingKernels('cpu')).toThrow(
        "registerTrainingKernels('cpu') needs the cpu backend's own kernels: import '@tensorflow/tfjs-backend-cpu' before calling it",
      );
    } finally {
      tf.registerKernel(conv2d);
    }
  });

  it('rejects a name that is not a string', () => {
    expect(() => registerTrainingKernels(42 as never)).toThrow(
      "backend name must be a string such as 'wasm' or 'cpu', got 42",
    );
  });

  it('keeps the cheaper batch-norm and mean gradients installed', () => {
    const kernels = GRADIENT_OVERRIDES.map((g) => g.kernelName);
    expect(kernels).toEqual([tf.FusedBatchNorm, tf.Mean]);
    for (const config of GRADIENT_OVERRIDES) {
      expect(tf.getGradient(config.kernelName)).toBe(config);
      tf.registerGradient({ ...config });
    }
    registerTrainingKernels('webgl');
    for (const config of GRADIENT_OVERRIDES) expect(tf.getGradient(config.kernelName)).toBe(config);
  });
});

import { registerTrainingKernels, SimclrError, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { batchNormGradConfig } from '../src/kernels/batch-norm-gradient.js';

const inBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined';

function kernelFunc(kernelName: string, backendName: string): tf.KernelFunc | undefined {
  return tf.getKernel(kernelName, backendName)?.kernelFunc;
}

describe('registerTrainingKernels', () => {
  it.runIf(!inBrowser)('setupBackend gives wasm both Conv2D gradient kernels (it ships no dW)', async () => {
    await setupBackend('wasm');
    expect(kernelFunc(tf.Conv2DBackpropFilter, 'wasm')).toBeTypeOf('function');
    const dx = kernelFunc(tf.Conv2DBackpropInput, 'wasm');
    const count = tf.getKernelsForBackend('wasm').length;
    registerTrainingKernels('wasm');
    registerTrainingKernels('wasm');
    expect(kernelFunc(tf.Conv2DBackpropInput, 'wasm')).toBe(dx);
    expect(tf.getKernelsForBackend('wasm').length).toBe(count);
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

  it('keeps the cheaper batch-norm gradient installed', async () => {
    expect(tf.getGradient(tf.FusedBatchNorm)).toBe(batchNormGradConfig);
    tf.registerGradient({ ...batchNormGradConfig });
    registerTrainingKernels('webgl');
    expect(tf.getGradient(tf.FusedBatchNorm)).toBe(batchNormGradConfig);
  });
});

import { SimclrError, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const inBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined';

describe('setupBackend', () => {
  it.runIf(!inBrowser)("'auto' picks wasm in Node when tfjs-node is absent", async () => {
    const info = await setupBackend('auto');
    expect(info).toEqual({ name: 'wasm', accelerated: false });
    expect(tf.getBackend()).toBe('wasm');
  });

  it.runIf(inBrowser)("'auto' picks webgl in the browser", async () => {
    await import('@tensorflow/tfjs-backend-webgl');
    const info = await setupBackend('auto');
    expect(info).toEqual({ name: 'webgl', accelerated: true });
  });

  it.runIf(!inBrowser)('a named backend that is absent fails with the npm command', async () => {
    await expect(setupBackend('tensorflow')).rejects.toThrow(SimclrError);
    await expect(setupBackend('tensorflow')).rejects.toThrow(
      "backend 'tensorflow' is not installed; install it with: npm install @tensorflow/tfjs-node@4.22.0",
    );
    await expect(setupBackend('webgpu')).rejects.toThrow(
      'npm install @tensorflow/tfjs-backend-webgpu@4.22.0',
    );
  });

  it('names the bad argument', async () => {
    await expect(setupBackend('gpu' as never)).rejects.toThrow(
      `backend must be 'auto', one of 'tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu', or a non-empty array of those, got "gpu"`,
    );
    await expect(setupBackend(42 as never)).rejects.toThrow(/backend must be .* got 42$/);
    await expect(setupBackend([] as never)).rejects.toThrow(/got \[\]$/);
  });

  it('a list tries each in order', async () => {
    const info = await setupBackend(['webgpu', 'cpu']);
    expect(info).toEqual({ name: 'cpu', accelerated: false });
  });

  it('registers gradients', async () => {
    await setupBackend('cpu');
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2, 3]))
        .arraySync(),
    );
    expect(g).toEqual([2, 4, 6]);
  });
});

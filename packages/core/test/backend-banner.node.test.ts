import { setupBackend } from '@simclr/core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
});

it("setupBackend('cpu') keeps tfjs-backend-cpu's advice to install tfjs-node off the console", async () => {
  // A fresh cpu backend, which has not printed its first-use advice yet.
  tf.removeBackend('cpu');
  tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  expect((await setupBackend('cpu')).name).toBe('cpu');
  tf.tidy(() => tf.add(tf.tensor([1, 2]), 1).dataSync());
  expect(warn.mock.calls.flat().join('\n')).not.toContain('TensorFlow.js in Node.js');
  // Without setupBackend the same fresh backend does print it: the check above can fail.
  tf.removeBackend('cpu');
  tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
  await tf.setBackend('cpu');
  tf.tidy(() => tf.tensor([1]).dataSync());
  expect(warn.mock.calls.flat().join('\n')).toContain('TensorFlow.js in Node.js');
});

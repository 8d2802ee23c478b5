import type { BackendName } from '@simclr/core';
import { setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';

const inBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined';

/**
 * Whether this page gets a WebGPU adapter (in headless Chromium, SwiftShader's with
 * `--enable-unsafe-webgpu`), asked once per test file, before its suites are collected.
 */
const webgpuAdapter: boolean = await (async () => {
  if (!inBrowser) return false;
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  try {
    return gpu !== undefined && (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
})();

/**
 * The backends a suite runs on in this environment: cpu and wasm in Node; webgl in the browser, and
 * webgpu beside it when `navigator.gpu` gives an adapter.
 */
export function availableBackends(): BackendName[] {
  if (!inBrowser) return ['cpu', 'wasm'];
  return webgpuAdapter ? ['webgl', 'webgpu'] : ['webgl'];
}

/**
 * Runs `fn` once per backend that is both requested and available here, with that backend active
 * and a tensor-leak check around every test (in the spirit of tfjs's `describeWithFlags`).
 */
export function describeBackends(
  name: string,
  backends: readonly BackendName[],
  fn: (backend: BackendName) => void,
): void {
  const available = availableBackends();
  for (const backend of backends.filter((b) => available.includes(b))) {
    describe(`${name} [${backend}]`, () => {
      let before = 0;
      beforeAll(async () => {
        await setupBackend(backend);
      });
      beforeEach(async () => {
        if (tf.getBackend() !== backend) await setupBackend(backend);
        before = tf.memory().numTensors;
      });
      afterEach(() => {
        expect(tf.memory().numTensors, `tensors leaked on ${backend}`).toBe(before);
      });
      fn(backend);
    });
  }
}

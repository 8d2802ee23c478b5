import type { BackendName } from '@simclr/core';
import { setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';

/** The backends a suite runs on in this environment: cpu and wasm in Node, webgl in the browser. */
export function availableBackends(): BackendName[] {
  const inBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined';
  return inBrowser ? ['webgl'] : ['cpu', 'wasm'];
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

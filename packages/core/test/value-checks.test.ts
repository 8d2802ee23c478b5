import { assertFinite, SimclrError, valueChecksEnabled, withValueChecks } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '../../test-utils/src/index.js';

describeBackends('value checks', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('are on by default, off inside withValueChecks(false), and back on after it throws', async () => {
    const bad = tf.tensor([1, Number.NaN]);
    expect(valueChecksEnabled()).toBe(true);
    expect(() => assertFinite(bad, 'z')).toThrow(SimclrError);
    await withValueChecks(false, () => {
      expect(() => assertFinite(bad, 'z')).not.toThrow();
    });
    await expect(
      withValueChecks(false, () => {
        throw new Error('inside');
      }),
    ).rejects.toThrow('inside');
    expect(valueChecksEnabled()).toBe(true);
    expect(() => assertFinite(bad, 'z')).toThrow(/z must be finite/);
    bad.dispose();
  });
});

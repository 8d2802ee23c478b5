import { SimclrError } from '@simclr/core';
import { contrastiveAccuracy } from '@simclr/losses';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { embeddingPair } from './inputs.js';
import { contrastiveAccuracyReference, rows } from './reference.js';

describeBackends('contrastiveAccuracy', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('matches the float64 count', () => {
    for (const n of [3, 16, 64]) {
      const { z1: a, z2: b } = embeddingPair(n, 8);
      const acc = tf.tidy(
        () => contrastiveAccuracy(tf.tensor2d(a, [n, 8]), tf.tensor2d(b, [n, 8])).dataSync()[0]!,
      );
      expectClose(acc, contrastiveAccuracyReference(rows(a, n, 8), rows(b, n, 8)), { atol: 1e-6 });
    }
  });

  it('is 1 for separated images, 0 for a collapsed batch, and counts by hand', () => {
    const [separated, collapsed, half] = tf.tidy(() => {
      const z = tf.eye(3, 4) as tf.Tensor2D;
      const same = tf.ones([3, 4]) as tf.Tensor2D;
      // Views 0 and 3 point the same way, views 1, 2, 4, 5 are each other's nearest across images.
      const z1 = tf.tensor2d([
        [1, 0],
        [0, 1],
        [0, -1],
      ]);
      const z2 = tf.tensor2d([
        [1, 0.1],
        [0, -1],
        [0, 1],
      ]);
      return [
        contrastiveAccuracy(z, z).dataSync()[0]!,
        contrastiveAccuracy(same, same).dataSync()[0]!,
        contrastiveAccuracy(z1, z2).dataSync()[0]!,
      ];
    });
    expect([separated, collapsed]).toEqual([1, 0]);
    expectClose(half!, 2 / 6, { atol: 1e-6 });
  });

  it('rejects bad input with a SimclrError', () => {
    const run = () =>
      tf.tidy(() => void contrastiveAccuracy(tf.ones([2, 3]) as tf.Tensor2D, tf.ones([3, 3]) as tf.Tensor2D));
    expect(run).toThrow(SimclrError);
    expect(run).toThrow(/z1 and z2 must have the same shape/);
  });
});

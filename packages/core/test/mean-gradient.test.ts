import { createRng } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose } from '../../test-utils/src/index.js';

describeBackends('Mean gradient', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  for (const { shape, axis, keepDims } of [
    { shape: [4, 3, 5, 6], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 3, 5, 6], axis: [1], keepDims: true },
    { shape: [7, 9], axis: -1, keepDims: false },
    { shape: [7, 9], axis: undefined, keepDims: false },
  ]) {
    it(`equals tfjs-core's (dy·1)/n spread over x: shape [${shape}], axis ${axis}, keepDims ${keepDims}`, () => {
      const rng = createRng(21);
      const x = tf.tensor(
        Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
        shape,
      );
      const [got, want] = tf.tidy(() => {
        const y = tf.mean(x, axis, keepDims);
        const dy = tf.tensor(
          Array.from({ length: y.size }, () => rng.uniform(-3, 3)),
          y.shape,
        );
        const grad = tf.grad((t) => tf.sum(tf.mul(tf.mean(t, axis, keepDims), dy)))(x);
        const axes = axis === undefined ? shape.map((_, i) => i) : tf.util.parseAxisParam(axis, shape);
        const spread = shape.map((d, i) => (axes.includes(i) ? 1 : d));
        const n = axes.reduce((p, i) => p * shape[i]!, 1);
        const stock = tf.div(tf.mul(tf.reshape(dy, spread), tf.ones(shape)), n);
        return [grad.dataSync(), stock.dataSync()];
      });
      if (backend === 'webgl') expectClose(got!, want!, { atol: 0, rtol: 1e-6 });
      else expect(Array.from(got!)).toEqual(Array.from(want!));
      x.dispose();
    });
  }
});

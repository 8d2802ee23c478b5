import { SimclrError } from '@simclr/core';
import { ntXent, supCon } from '@simclr/losses';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import fixtures from './fixtures/losses.json' with { type: 'json' };
import { embeddingBatch, embeddingPair } from './inputs.js';
import { rows, supConReference } from './reference.js';

describeBackends('supCon', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  for (const c of fixtures.supCon) {
    it(`matches PyTorch and the float64 formula: τ=${c.temperature}, normalize=${c.normalize}`, () => {
      const flat = embeddingBatch(c.m, c.d);
      const { loss, grad } = tf.tidy(() => {
        const labels = tf.tensor1d(c.labels, 'int32');
        const { value, grads } = tf.valueAndGrads((z: tf.Tensor) => supCon(z as tf.Tensor2D, labels, c))([
          tf.tensor2d(flat, [c.m, c.d]),
        ]);
        return { loss: value.dataSync()[0]!, grad: grads[0]!.dataSync() };
      });
      expectClose(supConReference(rows(flat, c.m, c.d), c.labels, c.temperature, c.normalize), c.loss, {
        atol: 0,
        rtol: 1e-12,
        label: 'float64 reference vs PyTorch',
      });
      expectClose(loss, c.loss, { atol: 0, rtol: 1e-5, label: 'loss' });
      const scale = Math.max(...c.grad.map(Math.abs));
      expectClose(grad, c.grad, { atol: 1e-4 * scale, label: 'gradient' });
    });
  }

  it('equals NT-Xent when each image is its own class', () => {
    const n = 6;
    const d = 5;
    const { z1: a, z2: b } = embeddingPair(n, d);
    const [sup, xent] = tf.tidy(() => {
      const z1 = tf.tensor2d(a, [n, d]);
      const z2 = tf.tensor2d(b, [n, d]);
      const ids = Array.from({ length: n }, (_, i) => i);
      const labels = tf.tensor1d([...ids, ...ids], 'int32');
      const options = { temperature: 0.2 };
      return [
        supCon(tf.concat([z1, z2]) as tf.Tensor2D, labels, options).dataSync()[0]!,
        ntXent(z1, z2, options).dataSync()[0]!,
      ];
    });
    expectClose(sup!, xent!, { atol: 0, rtol: 1e-5 });
  });

  it('leaves anchors without a positive out of the mean', () => {
    const flat = embeddingBatch(5, 3);
    const labels = [7, 1, 7, 2, 3];
    const loss = tf.tidy(
      () => supCon(tf.tensor2d(flat, [5, 3]), tf.tensor1d(labels, 'int32')).dataSync()[0]!,
    );
    expectClose(loss, supConReference(rows(flat, 5, 3), labels, 0.1, true), { atol: 0, rtol: 1e-5 });
  });

  it('rejects bad input with a SimclrError that names the argument', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => supCon(tf.ones([4, 3]) as tf.Tensor2D, tf.tensor1d([0, 0, 1], 'int32')),
        /labels must hold one label per row of z \(4\), got 3 labels/,
      ],
      [
        () => supCon(tf.ones([3, 3]) as tf.Tensor2D, tf.tensor1d([0, 0, 1])),
        /labels must have dtype int32, got float32/,
      ],
      [
        () => supCon(tf.ones([3, 3]) as tf.Tensor2D, tf.tensor2d([[0, 0, 1]], [1, 3], 'int32') as never),
        /labels must be a rank-1 tensor/,
      ],
      [
        () => supCon(tf.ones([3, 3]) as tf.Tensor2D, tf.tensor1d([0, 1, 2], 'int32')),
        /labels must give at least one anchor a positive/,
      ],
      [
        () => supCon(tf.ones([1, 3]) as tf.Tensor2D, tf.tensor1d([0], 'int32')),
        /z must hold at least 2 embeddings/,
      ],
      [
        () =>
          supCon(
            tf.tensor2d([
              [0, Number.NaN],
              [1, 1],
            ]),
            tf.tensor1d([0, 0], 'int32'),
          ),
        /z must be finite/,
      ],
      [
        () => supCon(tf.ones([2, 3]) as tf.Tensor2D, tf.tensor1d([0, 0], 'int32'), { temperature: 0 }),
        /temperature must be a finite number > 0/,
      ],
    ];
    for (const [call, message] of cases) {
      const run = () => tf.tidy(() => void call());
      expect(run).toThrow(SimclrError);
      expect(run).toThrow(message);
    }
  });
});

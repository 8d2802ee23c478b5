import { SimclrError } from '@simclr/core';
import { alignment, uniformity } from '@simclr/losses';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { embeddingBatch, embeddingPair } from './inputs.js';
import { numericGradient } from './numeric-gradient.js';
import { alignmentReference, rows, uniformityReference } from './reference.js';

describeBackends('alignment and uniformity', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  for (const [alpha, normalize] of [
    [2, true],
    [1, true],
    [3, false],
  ] as const) {
    it(`alignment matches the float64 formula, value and gradient: α=${alpha}, normalize=${normalize}`, () => {
      const n = 10;
      const d = 4;
      const { z1: a, z2: b } = embeddingPair(n, d);
      const { value, grad } = tf.tidy(() => {
        const r = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) =>
          alignment(x as tf.Tensor2D, y as tf.Tensor2D, { alpha, normalize }),
        )([tf.tensor2d(a, [n, d]), tf.tensor2d(b, [n, d])]);
        return { value: r.value.dataSync()[0]!, grad: tf.concat(r.grads).dataSync() };
      });
      const f = (x: Float64Array) =>
        alignmentReference(rows(x, n, d), rows(x.subarray(n * d), n, d), alpha, normalize);
      const both = Float64Array.from([...a, ...b]);
      expectClose(value, f(both), { atol: 0, rtol: 1e-5 });
      const indices = [0, 5, n * d + 3, 2 * n * d - 1];
      const scale = Math.max(...Array.from(grad, Math.abs));
      expectClose(
        indices.map((i) => grad[i]!),
        numericGradient(f, both, indices),
        { atol: 1e-4 * scale },
      );
    });
  }

  for (const [t, normalize] of [
    [2, true],
    [0.5, false],
  ] as const) {
    it(`uniformity matches the float64 formula, value and gradient: t=${t}, normalize=${normalize}`, () => {
      const m = 12;
      const d = 3;
      const flat = embeddingBatch(m, d);
      const { value, grad } = tf.tidy(() => {
        const r = tf.valueAndGrads((x: tf.Tensor) => uniformity(x as tf.Tensor2D, { t, normalize }))([
          tf.tensor2d(flat, [m, d]),
        ]);
        return { value: r.value.dataSync()[0]!, grad: r.grads[0]!.dataSync() };
      });
      const f = (x: Float64Array) => uniformityReference(rows(x, m, d), t, normalize);
      expectClose(value, f(Float64Array.from(flat)), { atol: 0, rtol: 1e-5 });
      const indices = [0, 4, 17, m * d - 1];
      const scale = Math.max(...Array.from(grad, Math.abs));
      expectClose(
        indices.map((i) => grad[i]!),
        numericGradient(f, flat, indices),
        { atol: 1e-4 * scale },
      );
    });
  }

  it('gives known values', () => {
    const values = tf.tidy(() => {
      const e = tf.eye(3, 3) as tf.Tensor2D;
      const rolled = tf.concat([tf.slice(e, [1, 0], [2, 3]), tf.slice(e, [0, 0], [1, 3])]) as tf.Tensor2D;
      const antipodal = tf.tensor2d([
        [0, 2],
        [0, -3],
      ]);
      return [
        alignment(e, e).dataSync()[0]!,
        alignment(e, rolled).dataSync()[0]!,
        uniformity(antipodal).dataSync()[0]!,
        uniformity(tf.ones([5, 2]) as tf.Tensor2D).dataSync()[0]!,
        uniformity(
          tf.tensor2d([
            [0, 40],
            [0, -40],
          ]),
          { normalize: false },
        ).dataSync()[0]!,
      ];
    });
    // Orthogonal unit vectors are √2 apart; antipodal ones 2 apart: log e^{−2·4} = −8. Far apart
    // unnormalised points give −t·6400, finite thanks to the log-sum-exp.
    expectClose(values, [0, 2, -8, 0, -12800], { atol: 1e-5, rtol: 1e-6 });
  });

  it('rejects bad input with a SimclrError that names the argument', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => alignment(tf.ones([2, 2]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D, { alpha: 0 }),
        /alpha must be a finite number > 0, got 0/,
      ],
      [() => uniformity(tf.ones([2, 2]) as tf.Tensor2D, { t: -1 }), /t must be a finite number > 0, got -1/],
      [() => uniformity(tf.ones([1, 2]) as tf.Tensor2D), /z must hold at least 2 embeddings/],
      [() => uniformity(tf.ones([2]) as never), /z must be a rank-2 tensor/],
      [
        () => alignment(tf.ones([2, 2]) as tf.Tensor2D, tf.ones([2, 3]) as tf.Tensor2D),
        /z1 and z2 must have the same shape/,
      ],
      [
        () =>
          uniformity(
            tf.tensor2d([
              [1, Number.POSITIVE_INFINITY],
              [0, 0],
            ]),
          ),
        /z must be finite/,
      ],
      [
        () => alignment(tf.ones([2, 2]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D, 'x' as never),
        /options must be an options object, got "x"/,
      ],
    ];
    for (const [call, message] of cases) {
      const run = () => tf.tidy(() => void call());
      expect(run).toThrow(SimclrError);
      expect(run).toThrow(message);
    }
  });
});

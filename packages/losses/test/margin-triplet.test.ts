import { SimclrError } from '@simclr/core';
import { marginTriplet } from '@simclr/losses';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { embeddingPair } from './inputs.js';
import { numericGradient } from './numeric-gradient.js';
import { marginTripletReference, rows } from './reference.js';

describeBackends('marginTriplet', ['cpu', 'wasm', 'webgl'], () => {
  for (const [n, margin, normalize, semiHard] of [
    [3, 0.5, true, false],
    [16, 0.2, true, true],
    [16, 1, false, false],
    [16, 0.3, false, true],
  ] as const) {
    it(`matches the float64 formula, value and gradient: N=${n}, m=${margin}, normalize=${normalize}, semiHard=${semiHard}`, () => {
      const d = 6;
      const { z1: a, z2: b } = embeddingPair(n, d);
      const options = { margin, normalize, semiHard };
      const { loss, grad } = tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) =>
          marginTriplet(x as tf.Tensor2D, y as tf.Tensor2D, options),
        )([tf.tensor2d(a, [n, d]), tf.tensor2d(b, [n, d])]);
        return { loss: value.dataSync()[0]!, grad: tf.concat(grads).dataSync() };
      });
      const f = (x: Float64Array) =>
        marginTripletReference(rows(x, n, d), rows(x.subarray(n * d), n, d), margin, normalize, semiHard);
      const both = Float64Array.from([...a, ...b]);
      expectClose(loss, f(both), { atol: 0, rtol: 1e-5, label: 'loss' });
      const indices = [0, 1, d + 2, n * d - 1, n * d, 2 * n * d - 3];
      const scale = Math.max(...Array.from(grad, Math.abs));
      expectClose(
        indices.map((i) => grad[i]!),
        numericGradient(f, both, indices),
        { atol: 1e-4 * scale, label: 'gradient' },
      );
    });
  }

  it('gives known values: m − 1 past the margin, m for a collapsed batch', () => {
    const [separated, wide, collapsed] = tf.tidy(() => {
      const z = tf.eye(4, 6) as tf.Tensor2D;
      const same = tf.ones([4, 6]) as tf.Tensor2D;
      return [
        marginTriplet(z, z, { margin: 0.5 }).dataSync()[0]!,
        marginTriplet(z, z, { margin: 1.25 }).dataSync()[0]!,
        marginTriplet(same, same, { margin: 0.5 }).dataSync()[0]!,
      ];
    });
    expectClose([separated!, wide!, collapsed!], [0, 0.25, 0.5], { atol: 1e-6 });
  });

  it('rejects bad input with a SimclrError that names the argument', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => marginTriplet(tf.ones([3, 2]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D),
        /z1 and z2 must have the same shape/,
      ],
      [
        () => marginTriplet(tf.ones([1, 2]) as tf.Tensor2D, tf.ones([1, 2]) as tf.Tensor2D),
        /z1 must hold at least 2/,
      ],
      [
        () => marginTriplet(tf.ones([2, 2]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D, { margin: -1 }),
        /margin must be a finite number >= 0, got -1/,
      ],
      [
        () => marginTriplet(tf.ones([2, 2]) as tf.Tensor2D, tf.fill([2, 2], Number.NaN) as tf.Tensor2D),
        /z2 must be finite/,
      ],
      [
        () =>
          marginTriplet(tf.ones([2, 2]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D, {
            semiHard: 1 as never,
          }),
        /semiHard must be true or false, got 1/,
      ],
    ];
    for (const [call, message] of cases) {
      const run = () => tf.tidy(() => void call());
      expect(run).toThrow(SimclrError);
      expect(run).toThrow(message);
    }
  });
});

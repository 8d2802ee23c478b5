import { SimclrError } from '@simclr/core';
import { ntLogistic } from '@simclr/losses';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectMatchesReference } from './pair-loss-check.js';
import { ntLogisticReference } from './reference.js';

describeBackends('ntLogistic', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  for (const [n, temperature, normalize, semiHard] of [
    [3, 0.1, true, false],
    [16, 0.5, true, true],
    [16, 0.2, false, false],
    [16, 1, false, true],
  ] as const) {
    it(`matches the float64 formula, value and gradient: N=${n}, τ=${temperature}, normalize=${normalize}, semiHard=${semiHard}`, () => {
      expectMatchesReference(
        (x, y) => ntLogistic(x, y, { temperature, normalize, semiHard }),
        (z1, z2) => ntLogisticReference(z1, z2, temperature, normalize, semiHard),
        n,
        6,
      );
    });
  }

  it('identical positives with orthogonal negatives give the analytical loss', () => {
    const loss = tf.tidy(() => {
      const z = tf.eye(4, 6) as tf.Tensor2D;
      return ntLogistic(z, z, { temperature: 0.5 }).dataSync()[0]!;
    });
    // −log σ(1/τ) − log σ(0) for every anchor.
    expectClose(loss, Math.log1p(Math.exp(-2)) + Math.log(2), { atol: 0, rtol: 1e-5 });
  });

  it('rejects bad input with a SimclrError that names the argument', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => ntLogistic(tf.ones([3, 2]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D),
        /z1 and z2 must have the same shape/,
      ],
      [
        () => ntLogistic(tf.ones([1, 2]) as tf.Tensor2D, tf.ones([1, 2]) as tf.Tensor2D),
        /z1 must hold at least 2/,
      ],
      [
        () => ntLogistic(tf.ones([2, 2]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D, { temperature: 0 }),
        /temperature must be a finite number > 0/,
      ],
      [
        () => ntLogistic(tf.ones([2, 2]) as tf.Tensor2D, tf.fill([2, 2], Number.NaN) as tf.Tensor2D),
        /z2 must be finite/,
      ],
      [
        () =>
          ntLogistic(tf.ones([2, 2]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D, {
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

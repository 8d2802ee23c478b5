import { SimclrError } from '@simclr/core';
import { marginTriplet } from '@simclr/losses';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectMatchesReference } from './pair-loss-check.js';
import { marginTripletReference } from './reference.js';

describeBackends('marginTriplet', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  for (const [n, margin, normalize, semiHard] of [
    [3, 0.5, true, false],
    [16, 0.2, true, true],
    [16, 1, false, false],
    [16, 0.3, false, true],
  ] as const) {
    it(`matches the float64 formula, value and gradient: N=${n}, m=${margin}, normalize=${normalize}, semiHard=${semiHard}`, () => {
      expectMatchesReference(
        (x, y) => marginTriplet(x, y, { margin, normalize, semiHard }),
        (z1, z2) => marginTripletReference(z1, z2, margin, normalize, semiHard),
        n,
        6,
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

import { SimclrError } from '@simclr/core';
import { type AnchorRange, contrastiveAccuracy, marginTriplet, ntLogistic, ntXent } from '@simclr/losses';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { embeddingPair } from './inputs.js';

type Loss = (z1: tf.Tensor2D, z2: tf.Tensor2D, anchors?: AnchorRange) => tf.Scalar;

const LOSSES: [string, Loss][] = [
  ['ntXent', (a, b, anchors) => ntXent(a, b, { temperature: 0.2, ...(anchors && { anchors }) })],
  [
    'ntLogistic',
    (a, b, anchors) => ntLogistic(a, b, { temperature: 0.5, semiHard: true, ...(anchors && { anchors }) }),
  ],
  ['marginTriplet', (a, b, anchors) => marginTriplet(a, b, { margin: 0.3, ...(anchors && { anchors }) })],
];

/** The loss and its gradient with respect to [z1; z2]. */
function valueAndGrad(loss: Loss, z1: tf.Tensor2D, z2: tf.Tensor2D, anchors?: AnchorRange) {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) =>
      loss(a as tf.Tensor2D, b as tf.Tensor2D, anchors),
    )([z1, z2]);
    return { value: value.dataSync()[0]!, grad: tf.concat(grads, 0).dataSync() as Float32Array };
  });
}

describeBackends('anchor ranges of the pair losses', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  const n = 6;
  // Ranges as three replicas of two images each would hold them, and an uneven split.
  const splits: AnchorRange[][] = [
    [
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 6 },
    ],
    [
      { start: 0, end: 1 },
      { start: 1, end: 6 },
    ],
  ];

  it.each(LOSSES)('%s: disjoint ranges add up to the whole batch, value and gradient', (_, loss) => {
    const { z1: a, z2: b } = embeddingPair(n, 5);
    const z1 = tf.tensor2d(a, [n, 5]);
    const z2 = tf.tensor2d(b, [n, 5]);
    const whole = valueAndGrad(loss, z1, z2);
    for (const split of splits) {
      const parts = split.map((r) => valueAndGrad(loss, z1, z2, r));
      expectClose([parts.reduce((s, p) => s + p.value, 0)], [whole.value], { atol: 1e-6, rtol: 1e-5 });
      const grad = parts.reduce(
        (s, p) => s.map((x, i) => x + p.grad[i]!),
        new Float32Array(whole.grad.length),
      );
      expectClose(grad, whole.grad, { atol: 1e-6, rtol: 1e-4 });
      // Each part is a real share, not the whole loss scaled.
      expect(parts.some((p) => Math.abs(p.value - whole.value / split.length) > 1e-6)).toBe(true);
    }
    tf.dispose([z1, z2]);
  });

  it('contrastiveAccuracy: disjoint ranges add up to the whole batch', () => {
    const { z1: a, z2: b } = embeddingPair(n, 3);
    const z1 = tf.tensor2d(a, [n, 3]);
    const z2 = tf.tensor2d(b, [n, 3]);
    const whole = contrastiveAccuracy(z1, z2);
    const parts = splits[0]!.map((anchors) => contrastiveAccuracy(z1, z2, { anchors }));
    const sum = parts.reduce((s, p) => s + p.dataSync()[0]!, 0);
    expect(sum).toBeCloseTo(whole.dataSync()[0]!, 6);
    tf.dispose([z1, z2, whole, ...parts]);
  });

  it.each([
    [{ start: 0, end: 0 }],
    [{ start: -1, end: 2 }],
    [{ start: 2, end: 7 }],
    [{ start: 0.5, end: 2 }],
    [null],
    [[0, 2]],
  ])('rejects anchors %j', (anchors) => {
    const { z1: a, z2: b } = embeddingPair(n, 3);
    const z1 = tf.tensor2d(a, [n, 3]);
    const z2 = tf.tensor2d(b, [n, 3]);
    const bad = anchors as unknown as AnchorRange;
    expect(() => ntXent(z1, z2, { anchors: bad })).toThrow(SimclrError);
    expect(() => contrastiveAccuracy(z1, z2, { anchors: bad })).toThrow(
      /anchors must be \{ start, end \} with integers 0 <= start < end <= 6/,
    );
    tf.dispose([z1, z2]);
  });
});

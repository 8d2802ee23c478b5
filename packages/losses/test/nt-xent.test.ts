import { SimclrError } from '@simclr/core';
import { ntXent } from '@simclr/losses';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import fixtures from './fixtures/losses.json' with { type: 'json' };
import { embeddingPair } from './inputs.js';
import { ntXentReference, rows } from './reference.js';

const VALUE_RTOL = 1e-5;
/** Gradient entries are compared relative to the gradient's largest entry: many entries are near 0. */
const GRAD_RTOL = 1e-4;

function lossAndGrad(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  options: { temperature: number; normalize: boolean },
): { loss: number; grad: Float32Array } {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) =>
      ntXent(a as tf.Tensor2D, b as tf.Tensor2D, options),
    )([z1, z2]);
    return { loss: value.dataSync()[0]!, grad: tf.concat(grads, 0).dataSync() as Float32Array };
  });
}

/** The float64 reference of each fixture case, computed once for all backends. */
const references = new Map<(typeof fixtures.ntXent)[number], ReturnType<typeof ntXentReference>>();

function referenceFor(c: (typeof fixtures.ntXent)[number], a: Float32Array, b: Float32Array) {
  let r = references.get(c);
  if (r === undefined) {
    r = ntXentReference(rows(a, c.n, c.d), rows(b, c.n, c.d), c.temperature, c.normalize);
    references.set(c, r);
  }
  return r;
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

/**
 * The largest batch of the fixtures that runs on cpu and webgpu. Their N = 512 cases took 15 s on cpu
 * (JavaScript loops) and 40 s on webgpu (SwiftShader); wasm and webgl run them, and cpu and webgpu run
 * the same kernels on the smaller cases.
 */
const SMALL_N = 64;

describeBackends('ntXent', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  const cases =
    backend === 'cpu' || backend === 'webgpu'
      ? fixtures.ntXent.filter((c) => c.n <= SMALL_N)
      : fixtures.ntXent;
  const worst = { value: 0, grad: 0 };
  afterAll(() => {
    console.info(
      `ntXent [${backend}] vs PyTorch and float64: max rel error of the loss ${worst.value.toExponential(2)}, ` +
        `of the gradient (relative to its largest entry) ${worst.grad.toExponential(2)}`,
    );
  });

  for (const c of cases) {
    it(`matches PyTorch and the float64 formula: N=${c.n}, τ=${c.temperature}, normalize=${c.normalize}`, () => {
      const { z1: a, z2: b } = embeddingPair(c.n, c.d);
      const z1 = tf.tensor2d(a, [c.n, c.d]);
      const z2 = tf.tensor2d(b, [c.n, c.d]);
      const { loss, grad } = lossAndGrad(z1, z2, c);
      tf.dispose([z1, z2]);

      const reference = referenceFor(c, a, b);
      expectClose(reference.loss, c.loss, { atol: 0, rtol: 1e-12, label: 'float64 reference vs PyTorch' });
      expectClose(loss, c.loss, { atol: 0, rtol: VALUE_RTOL, label: 'loss vs PyTorch' });

      const scale = maxAbs(reference.grad);
      expectClose(grad, reference.grad, { atol: GRAD_RTOL * scale, label: 'gradient vs float64' });
      const sampled = c.gradIndices.map((i) => grad[i]!);
      expectClose(sampled, c.grad, { atol: GRAD_RTOL * scale, label: 'gradient vs PyTorch' });
      expectClose(Math.hypot(...reference.grad), c.gradNorm, {
        atol: 0,
        rtol: 1e-12,
        label: 'gradient norm',
      });

      worst.value = Math.max(worst.value, Math.abs(loss - c.loss) / Math.abs(c.loss));
      for (let i = 0; i < grad.length; i++) {
        worst.grad = Math.max(worst.grad, Math.abs(grad[i]! - reference.grad[i]!) / scale);
      }
    });
  }

  it('is half of what the official TensorFlow code returns, on the same embeddings', () => {
    // The official code sums its two cross-entropies (a→b and b→a), each a mean over N; ours is the mean
    // over all 2N anchors. The fixtures hold the official value computed on the same inputs.
    for (const c of cases) {
      const { z1: a, z2: b } = embeddingPair(c.n, c.d);
      const loss = tf.tidy(
        () => ntXent(tf.tensor2d(a, [c.n, c.d]), tf.tensor2d(b, [c.n, c.d]), c).dataSync()[0]!,
      );
      expectClose(2 * loss, c.officialTf, {
        atol: 0,
        rtol: VALUE_RTOL,
        label: `N=${c.n}, τ=${c.temperature}`,
      });
    }
  });

  it('identical positives with orthogonal negatives give the analytical loss', () => {
    // N = 3 orthonormal directions, each image's two views equal: sim(i, pos) = 1, every negative 0.
    // ℓ = −log(e^{1/τ} / (e^{1/τ} + 2(N−1))) = log(1 + 2(N−1) e^{−1/τ}).
    const n = 3;
    for (const temperature of [0.1, 0.5, 1]) {
      const loss = tf.tidy(() => {
        const z = tf.eye(n, 5) as tf.Tensor2D;
        return ntXent(z, z, { temperature }).dataSync()[0]!;
      });
      expectClose(loss, Math.log1p(2 * (n - 1) * Math.exp(-1 / temperature)), { atol: 0, rtol: 1e-5 });
    }
  });

  it('a batch of identical embeddings gives log(2N − 1)', () => {
    for (const n of [2, 5, 64]) {
      const loss = tf.tidy(() => {
        const z = tf.tile(tf.tensor2d([[0.3, -1.2, 0.8, 2]]), [n, 1]) as tf.Tensor2D;
        return ntXent(z, z, { temperature: 0.07 }).dataSync()[0]!;
      });
      expectClose(loss, Math.log(2 * n - 1), { atol: 0, rtol: 1e-5 });
    }
  });

  it('keeps its relative precision when the loss is close to 0', () => {
    // Well-separated images and τ = 0.05: ℓ ≈ 2(N−1) e^{−20}, far below float32's resolution of 1/τ.
    const loss = tf.tidy(() => {
      const z = tf.eye(4, 8) as tf.Tensor2D;
      return ntXent(z, z, { temperature: 0.05 }).dataSync()[0]!;
    });
    expectClose(loss, Math.log1p(6 * Math.exp(-20)), { atol: 0, rtol: 1e-5 });
  });

  // Cosine similarity is scale-free: z·s has the loss of z and the gradient of z divided by s.
  it.each([1e-20, 1e-15, 1e-8, 1e-3, 1, 1e3, 1e8, 1e15, 1e19, 1e20])(
    'is the float64 loss and gradient of the unscaled embeddings at scale %s',
    (s) => {
      const n = 6;
      const d = 16;
      const { z1: a, z2: b } = embeddingPair(n, d);
      const reference = ntXentReference(rows(a, n, d), rows(b, n, d), 0.5, true);
      const z1 = tf.tensor2d(
        a.map((v) => v * s),
        [n, d],
      );
      const z2 = tf.tensor2d(
        b.map((v) => v * s),
        [n, d],
      );
      const { loss, grad } = lossAndGrad(z1, z2, { temperature: 0.5, normalize: true });
      tf.dispose([z1, z2]);
      expectClose(loss, reference.loss, { atol: 0, rtol: VALUE_RTOL, label: `loss at scale ${s}` });
      const unscaled = Array.from(grad, (g) => g * s);
      const largest = maxAbs(reference.grad);
      expectClose(unscaled, reference.grad, {
        atol: (backend === 'webgl' ? 10 : 1) * GRAD_RTOL * largest,
        label: `gradient × scale at ${s}`,
      });
    },
  );

  it('has a finite gradient for an all-zero embedding', () => {
    const grad = tf.tidy(() => {
      const z1 = tf.tensor2d([
        [0, 0],
        [1, 2],
      ]);
      const z2 = tf.tensor2d([
        [1, 0],
        [0, 1],
      ]);
      return tf
        .grad((a: tf.Tensor) => ntXent(a as tf.Tensor2D, z2))(z1)
        .dataSync();
    });
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
  });

  it('rejects bad input with a SimclrError that names the argument', () => {
    const z = tf.ones([4, 8]) as tf.Tensor2D;
    const cases: [() => unknown, RegExp][] = [
      [
        () => ntXent(z, tf.ones([5, 8]) as tf.Tensor2D),
        /z1 and z2 must have the same shape .*\[4,8\] and \[5,8\]/,
      ],
      [() => ntXent(z, tf.ones([4, 7]) as tf.Tensor2D), /z1 and z2 must have the same shape/],
      [
        () => ntXent(tf.ones([1, 8]) as tf.Tensor2D, tf.ones([1, 8]) as tf.Tensor2D),
        /z1 must hold at least 2 embeddings/,
      ],
      [() => ntXent(tf.ones([4, 8, 1]) as never, z), /z1 must be a rank-2 tensor, got shape \[4,8,1\]/],
      [() => ntXent(z, [[1]] as never), /z2 must be a tf.Tensor/],
      [() => ntXent(z, z, { temperature: 0 }), /temperature must be a finite number > 0, got 0/],
      [() => ntXent(z, z, { temperature: -0.1 }), /temperature must be a finite number > 0, got -0.1/],
      [() => ntXent(z, z, { temperature: Number.NaN }), /temperature must be a finite number > 0, got NaN/],
      [() => ntXent(z, z, { normalize: 'yes' as never }), /normalize must be true or false/],
      [() => ntXent(z, tf.fill([4, 8], Number.NaN) as tf.Tensor2D), /z2 must be finite/],
      [() => ntXent(z, tf.ones([4, 8], 'int32') as tf.Tensor2D), /z2 must have dtype float32, got int32/],
    ];
    for (const [call, message] of cases) {
      const run = () => tf.tidy(() => void call());
      expect(run).toThrow(SimclrError);
      expect(run).toThrow(message);
    }
    z.dispose();
  });
});

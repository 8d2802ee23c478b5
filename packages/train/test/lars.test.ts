import { createRng, SimclrError } from '@simclr/core';
import { describeBackends, expectClose } from '@simclr/test-utils';
import { adamw, excludeBatchNormAndBias, lars, sgd } from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

interface RefOptions {
  lr: number[];
  momentum: number;
  weightDecay: number;
  eta: number | null;
  nesterov: boolean;
  excluded: boolean;
}

const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));

/** The LARS/SGD rule of the official SimCLR code, in float64. */
function referenceMomentum(w0: number[], grads: number[][], o: RefOptions): Float64Array {
  const w = Float64Array.from(w0);
  const v = new Float64Array(w.length);
  grads.forEach((g0, t) => {
    const g = Float64Array.from(g0);
    if (!o.excluded) for (let i = 0; i < g.length; i++) g[i]! += o.weightDecay * w[i]!;
    let ratio = 1;
    if (!o.excluded && o.eta !== null) {
      const wn = norm(w);
      const gn = norm(g);
      ratio = wn > 0 && gn > 0 ? (o.eta * wn) / gn : 1;
    }
    const lr = o.lr[t]! * ratio;
    for (let i = 0; i < w.length; i++) {
      v[i] = o.momentum * v[i]! + lr * g[i]!;
      w[i]! -= o.nesterov ? o.momentum * v[i]! + lr * g[i]! : v[i]!;
    }
  });
  return w;
}

function referenceAdamW(w0: number[], grads: number[][], lr: number, wd: number): Float64Array {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const w = Float64Array.from(w0);
  const m = new Float64Array(w.length);
  const v = new Float64Array(w.length);
  grads.forEach((g, t) => {
    for (let i = 0; i < w.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
      const mh = m[i]! / (1 - b1 ** (t + 1));
      const vh = v[i]! / (1 - b2 ** (t + 1));
      w[i]! -= lr * (mh / (Math.sqrt(vh) + eps) + wd * w[i]!);
    }
  });
  return w;
}

function makeVariable(values: number[], shape: number[], name: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), true, name));
}

function randomArray(rng: ReturnType<typeof createRng>, n: number, scale: number): number[] {
  return Array.from({ length: n }, () => rng.normal(0, scale));
}

describe('excludeBatchNormAndBias', () => {
  it('tells batch-norm and bias variables from kernels', () => {
    for (const name of [
      'dense_Dense1/bias',
      'batch_normalization_BatchNormalization3/gamma',
      'batch_normalization_BatchNormalization3/beta',
      'encoder/layer1.0.bn1/gamma',
      'encoder/stem_bn/moving_mean',
      'head/dense_1/bias_1',
    ]) {
      expect(excludeBatchNormAndBias(name), name).toBe(true);
    }
    for (const name of ['conv2d_Conv2D1/kernel', 'dense_Dense1/kernel', 'encoder/layer1.0.conv1/kernel']) {
      expect(excludeBatchNormAndBias(name), name).toBe(false);
    }
  });
});

describeBackends('LARS and SGD against the float64 rule', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  const cases = [
    { label: 'LARS', eta: 0.001 as number | null, nesterov: false },
    { label: 'LARS nesterov', eta: 0.02, nesterov: true },
    { label: 'SGD momentum', eta: null, nesterov: false },
  ];
  for (const c of cases) {
    it(`${c.label}: 5 steps with a changing lr, kernel adapted and decayed, bias and BN excluded`, () => {
      const rng = createRng(7);
      const shapes: Record<string, number[]> = {
        'ref_conv/kernel': [3, 3, 2, 4],
        'ref_conv/bias': [4],
        'ref_block_bn/gamma': [4],
      };
      const init = Object.fromEntries(
        Object.entries(shapes).map(([n, s]) => [
          n,
          randomArray(
            rng,
            s.reduce((a, b) => a * b, 1),
            0.5,
          ),
        ]),
      );
      const grads = Object.fromEntries(
        Object.entries(init).map(([n, w]) => [
          n,
          Array.from({ length: 5 }, () => randomArray(rng, w.length, 0.1)),
        ]),
      );
      const lrs = [0.5, 1.2, 2.0, 1.0, 0.3];
      const variables = Object.entries(shapes).map(([n, s]) => makeVariable(init[n]!, s, n));
      const opt =
        c.eta === null
          ? sgd({ learningRate: lrs[0]!, momentum: 0.9, weightDecay: 0.01, nesterov: c.nesterov })
          : lars({
              learningRate: lrs[0]!,
              momentum: 0.9,
              weightDecay: 0.01,
              eta: c.eta,
              nesterov: c.nesterov,
            });
      for (let t = 0; t < 5; t++) {
        opt.setLearningRate(lrs[t]!);
        const g = Object.fromEntries(
          Object.entries(shapes).map(([n, s]) => [n, tf.tensor(grads[n]![t]!, s)]),
        ) as tf.NamedTensorMap;
        opt.applyGradients(g);
        tf.dispose(Object.values(g));
      }
      expect(opt.iterations).toBe(5);
      for (const v of variables) {
        const want = referenceMomentum(init[v.name]!, grads[v.name]!, {
          lr: lrs,
          momentum: 0.9,
          weightDecay: 0.01,
          eta: c.eta,
          nesterov: c.nesterov,
          excluded: excludeBatchNormAndBias(v.name),
        });
        expectClose(v, want, { atol: 1e-6, rtol: 1e-5, label: v.name });
      }
      const untouched = referenceMomentum(init['ref_conv/kernel']!, [], {
        lr: [],
        momentum: 0,
        weightDecay: 0,
        eta: null,
        nesterov: false,
        excluded: true,
      });
      // The update must actually have moved the kernel, or the comparison above proves nothing.
      expect(Math.abs(variables[0]!.dataSync()[0]! - untouched[0]!)).toBeGreaterThan(1e-4);
      opt.dispose();
      tf.dispose(variables);
    });
  }

  it('a zero weight gets trust ratio 1 (no division by zero)', () => {
    const w = makeVariable([0, 0, 0, 0], [4], 'zero_layer/kernel');
    const opt = lars({ learningRate: 0.1, momentum: 0, weightDecay: 0 });
    const g = tf.tensor1d([1, -2, 3, 0]);
    opt.applyGradients({ 'zero_layer/kernel': g });
    expectClose(w, [-0.1, 0.2, -0.3, 0], { atol: 1e-7 });
    opt.dispose();
    tf.dispose([w, g]);
  });

  it('optimizer state round-trips through getWeights/setWeights', async () => {
    const w = makeVariable([1, 2, 3], [3], 'state_layer/kernel');
    const opt = lars({ learningRate: 0.5 });
    const g = tf.tensor1d([0.1, 0.2, -0.3]);
    opt.applyGradients({ 'state_layer/kernel': g });
    const saved = await opt.getWeights();
    const copies = saved.map((s) => ({ name: s.name, tensor: tf.clone(s.tensor) }));
    tf.dispose(saved.filter((s) => s.name === 'iter').map((s) => s.tensor));
    const restored = lars({ learningRate: 0.5 });
    await restored.setWeights(copies);
    tf.dispose(copies.map((c) => c.tensor));
    expect(restored.iterations).toBe(1);
    const before = w.dataSync().slice();
    opt.applyGradients({ 'state_layer/kernel': g });
    const afterOriginal = w.dataSync().slice();
    tf.tidy(() => w.assign(tf.tensor1d(Array.from(before))));
    restored.applyGradients({ 'state_layer/kernel': g });
    expectClose(w, afterOriginal, { atol: 0 });
    opt.dispose();
    restored.dispose();
    tf.dispose([w, g]);
  });
});

describeBackends('AdamW against the float64 rule', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('decays kernels, not biases', () => {
    const rng = createRng(3);
    const k0 = randomArray(rng, 6, 1);
    const b0 = randomArray(rng, 3, 1);
    const gk = Array.from({ length: 4 }, () => randomArray(rng, 6, 0.2));
    const gb = Array.from({ length: 4 }, () => randomArray(rng, 3, 0.2));
    const k = makeVariable(k0, [6], 'adam_dense/kernel');
    const b = makeVariable(b0, [3], 'adam_dense/bias');
    const opt = adamw({ learningRate: 0.01, weightDecay: 0.1 });
    for (let t = 0; t < 4; t++) {
      const g = { 'adam_dense/kernel': tf.tensor1d(gk[t]!), 'adam_dense/bias': tf.tensor1d(gb[t]!) };
      opt.applyGradients(g);
      tf.dispose(Object.values(g));
    }
    expectClose(k, referenceAdamW(k0, gk, 0.01, 0.1), { atol: 1e-6, label: 'kernel' });
    expectClose(b, referenceAdamW(b0, gb, 0.01, 0), { atol: 1e-6, label: 'bias' });
    opt.dispose();
    tf.dispose([k, b]);
  });
});

describe('optimizer options', () => {
  it('rejects bad values with the field name', () => {
    expect(() => lars({ learningRate: -1 })).toThrow(SimclrError);
    expect(() => lars({ learningRate: -1 })).toThrow('learningRate must be a finite number >= 0, got -1');
    expect(() => lars({ learningRate: 1, momentum: 1.5 })).toThrow('momentum must be');
    expect(() => lars({ learningRate: 1, eta: 0 })).toThrow('eta must be a finite number > 0, got 0');
    expect(() => adamw({ learningRate: 1, beta2: Number.NaN })).toThrow('beta2 must be');
  });
});

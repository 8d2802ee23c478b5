import { createRng } from '@simclr/core';
import { describeBackends, expectClose } from '@simclr/test-utils';
import { contrastiveGradients, type EmbedFn, type PairLossFn } from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';

/** A small NT-Xent written out here so the step is tested against its own loss, not a dependency's. */
const ntXentLike: PairLossFn = (z1, z2) =>
  tf.tidy(() => {
    const n = z1.shape[0];
    const z = tf.div(tf.concat([z1, z2]), tf.norm(tf.concat([z1, z2]), 'euclidean', 1, true)) as tf.Tensor2D;
    const logits = tf.sub(tf.div(tf.matMul(z, z, false, true), 0.2), tf.mul(tf.eye(2 * n), 1e9));
    const targets = tf.oneHot(tf.concat([tf.range(n, 2 * n, 1, 'int32'), tf.range(0, n, 1, 'int32')]), 2 * n);
    return tf.mean(tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });

function makeModel(seed: number): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 2] });
  let x = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  x = tfl.layers
    .dense({ units: 12, kernelInitializer: tfl.initializers.glorotUniform({ seed }) })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 6, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) })
    .apply(x);
  return tfl.model({ inputs: input, outputs: out as tfl.SymbolicTensor });
}

function views(seed: number, n: number): [tf.Tensor4D, tf.Tensor4D] {
  const rng = createRng(seed);
  const make = () =>
    tf.tensor4d(
      Array.from({ length: n * 32 }, () => rng.next()),
      [n, 4, 4, 2],
    );
  return [make(), make()];
}

const embedOf =
  (model: tfl.LayersModel): EmbedFn =>
  (x, training) =>
    model.apply(x, { training }) as tf.Tensor2D;

const stateOf = (model: tfl.LayersModel) =>
  model.nonTrainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);

describeBackends('contrastiveGradients', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('chunked gradients equal the plain step (batch norm in inference mode)', () => {
    const model = makeModel(1);
    const [v1, v2] = views(2, 8);
    const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const base = {
      embed: embedOf(model),
      loss: ntXentLike,
      view1: v1,
      view2: v2,
      variables,
      training: false,
    };
    const plain = contrastiveGradients(base);
    const chunked = contrastiveGradients({ ...base, chunkSize: 3, stateVariables: stateOf(model) });
    expectClose(chunked.loss, plain.loss, { atol: 1e-6, rtol: 1e-5, label: 'loss' });
    expectClose(chunked.z1, plain.z1, { atol: 1e-6, label: 'z1' });
    expect(Object.keys(chunked.grads).sort()).toEqual(Object.keys(plain.grads).sort());
    for (const name of Object.keys(plain.grads)) {
      const ref = plain.grads[name]!;
      const scale = tf.tidy(() => tf.max(tf.abs(ref)).dataSync()[0]!);
      expect(scale).toBeGreaterThan(0);
      expectClose(chunked.grads[name]!, ref, { atol: 1e-4 * scale, rtol: 1e-4, label: name });
    }
    tf.dispose([plain, chunked].flatMap((r) => [r.loss, r.z1, r.z2, ...Object.values(r.grads)]));
    tf.dispose([v1, v2]);
    model.dispose();
  });

  it('a chunk as large as the batch is the plain step, batch norm in training mode included', () => {
    const model = makeModel(3);
    const [v1, v2] = views(4, 6);
    const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const base = { embed: embedOf(model), loss: ntXentLike, view1: v1, view2: v2, variables };
    const a = contrastiveGradients(base);
    const b = contrastiveGradients({ ...base, chunkSize: 6 });
    for (const name of Object.keys(a.grads)) expectClose(b.grads[name]!, a.grads[name]!, { atol: 1e-6 });
    tf.dispose([a, b].flatMap((r) => [r.loss, r.z1, r.z2, ...Object.values(r.grads)]));
    tf.dispose([v1, v2]);
    model.dispose();
  });

  it('updates batch-norm moving statistics once per chunked step', () => {
    const model = makeModel(5);
    const twin = makeModel(5);
    twin.setWeights(model.getWeights());
    const [v1, v2] = views(6, 8);
    const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const r = contrastiveGradients({
      embed: embedOf(model),
      loss: ntXentLike,
      view1: v1,
      view2: v2,
      variables,
      chunkSize: 4,
      stateVariables: stateOf(model),
    });
    // The twin runs pass 1 alone: the four chunk forwards in training mode.
    tf.tidy(() => {
      for (const v of [v1, v2])
        for (const s of [0, 4]) twin.apply(tf.slice(v, [s, 0, 0, 0], [4, -1, -1, -1]), { training: true });
    });
    const moved = stateOf(model);
    const expected = stateOf(twin);
    moved.forEach((m, i) => {
      expectClose(m, expected[i]!, { atol: 1e-6, label: m.name });
    });
    const initialMean = tf.tidy(() => tf.max(tf.abs(moved[0]!)).dataSync()[0]!);
    expect(initialMean).toBeGreaterThan(0);
    tf.dispose([r.loss, r.z1, r.z2, ...Object.values(r.grads), v1, v2]);
    model.dispose();
    twin.dispose();
  });

  it('rejects views of different shapes', () => {
    const model = makeModel(7);
    const [v1, extra1] = views(8, 4);
    const [v2, extra2] = views(9, 3);
    expect(() =>
      contrastiveGradients({ embed: embedOf(model), loss: ntXentLike, view1: v1, view2: v2, variables: [] }),
    ).toThrow('view1 and view2 must be rank-4 batches of the same shape, got [4,4,4,2] and [3,4,4,2]');
    tf.dispose([v1, v2, extra1, extra2]);
    model.dispose();
  });
});

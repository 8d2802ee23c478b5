import { SimclrError } from '@simclr/core';
import { isBatchNormOrBias, loadSimCLRModel, projectionHead, SimCLRModel, smallCnn } from '@simclr/models';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';

function build(): SimCLRModel {
  return new SimCLRModel({
    encoder: smallCnn({ inputShape: [12, 12, 3], widths: [4, 8] }),
    head: projectionHead({ inputDim: 8, outputDim: 6 }),
  });
}

function images(n: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, 12, 12, 3], 0, 1, 'float32', seed);
}

function read(model: tfl.LayersModel, layer: string, index: number): Float32Array {
  return model.getLayer(layer).getWeights()[index]!.dataSync() as Float32Array;
}

async function saveToMemory(model: SimCLRModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifacts!;
}

describeBackends('SimCLRModel', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('encode gives h and project gives z', () => {
    const model = build();
    const x = images(5, 1);
    const h = model.encode(x);
    const z = model.project(x);
    expect(h.shape).toEqual([5, 8]);
    expect(z.shape).toEqual([5, 6]);
    const direct = tf.tidy(() => model.head.predict(h) as tf.Tensor);
    expectClose(z, direct, { atol: 1e-5 });
    tf.dispose([x, h, z, direct]);
    model.dispose();
  });

  it('training mode updates the batch-norm moving statistics; inference mode leaves them', () => {
    const model = build();
    const x = images(6, 2);
    const conv = tfl.model({
      inputs: model.encoder.inputs,
      outputs: model.encoder.getLayer('stage1.conv').output,
    });
    const { mean, variance } = tf.tidy(() => {
      const m = tf.moments(conv.predict(x) as tf.Tensor, [0, 1, 2]);
      return { mean: m.mean.dataSync(), variance: m.variance.dataSync() };
    });
    tf.dispose(model.encode(x));
    expect(read(model.encoder, 'stage1.bn', 2)).toEqual(new Float32Array(4));
    tf.dispose(model.encode(x, { training: true }));
    // Keras momentum 0.9: moving ← 0.9 · moving + 0.1 · batch statistic.
    expectClose(
      read(model.encoder, 'stage1.bn', 2),
      Array.from(mean, (m) => 0.1 * m),
      { atol: 1e-5, rtol: 1e-4 },
    );
    expectClose(
      read(model.encoder, 'stage1.bn', 3),
      Array.from(variance, (v) => 0.9 + 0.1 * v),
      { atol: 1e-5, rtol: 1e-4 },
    );
    x.dispose();
    model.dispose();
  });

  it('batch norm updates its moving statistics inside a custom training loop', () => {
    const model = build();
    const optimizer = tf.train.sgd(0.1);
    const x = images(8, 3);
    const before = read(model.head, 'head.bn1', 2).slice();
    const kernelBefore = read(model.encoder, 'stage1.conv', 0).slice();
    for (let step = 0; step < 2; step++) {
      optimizer.minimize(
        () => tf.mean(tf.square(model.project(x, { training: true }))) as tf.Scalar,
        false,
        model.trainableWeights,
      );
    }
    expect(read(model.head, 'head.bn1', 2)).not.toEqual(before);
    expect(read(model.encoder, 'stage1.conv', 0)).not.toEqual(kernelBefore);
    optimizer.dispose();
    x.dispose();
    model.dispose();
  });

  it('trainableWeights are the variables of both parts, with names that tell batch norm and bias apart', () => {
    const model = build();
    const weights = model.trainableWeights;
    expect(weights).toHaveLength(model.encoder.trainableWeights.length + model.head.trainableWeights.length);
    expect(weights.every((w) => w instanceof tf.Variable && w.trainable)).toBe(true);
    const flagged = weights.filter((w) => isBatchNormOrBias(w.name)).length;
    // Two BN layers in the encoder, one in the head (2 variables each), and the head's final bias.
    expect(flagged).toBe(7);
    expect(weights.length - flagged).toBe(4);
    model.dispose();
  });

  it('round-trips through a tfjs IO handler with identical h and z, batch-norm statistics included', async () => {
    const model = build();
    const x = images(4, 4);
    tf.dispose(model.project(x, { training: true }));
    const artifacts = await saveToMemory(model);
    expect(artifacts.userDefinedMetadata).toEqual({
      simclr: { format: 1, encoder: 'small_cnn', head: 'head' },
    });
    const loaded = await loadSimCLRModel(tf.io.fromMemory(artifacts));
    const [h1, z1, h2, z2] = [model.encode(x), model.project(x), loaded.encode(x), loaded.project(x)];
    expect(h2.dataSync()).toEqual(h1.dataSync());
    expect(z2.dataSync()).toEqual(z1.dataSync());
    expect(read(loaded.encoder, 'stage2.bn', 3)).toEqual(read(model.encoder, 'stage2.bn', 3));
    tf.dispose([x, h1, z1, h2, z2]);
    model.dispose();
    loaded.dispose();
  });

  it("the encoder trains inside a user's own classifier", () => {
    const encoder = smallCnn({ inputShape: [12, 12, 3], widths: [4] });
    const classifier = tfl.sequential({ layers: [encoder, tfl.layers.dense({ units: 3, name: 'logits' })] });
    const optimizer = tf.train.sgd(0.05);
    const x = images(6, 5);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3));
    const kernelBefore = read(encoder, 'stage1.conv', 0).slice();
    const loss = optimizer.minimize(
      () =>
        tf.losses.softmaxCrossEntropy(y, classifier.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
    );
    expect(Number.isFinite(loss!.dataSync()[0])).toBe(true);
    expect(read(encoder, 'stage1.conv', 0)).not.toEqual(kernelBefore);
    tf.dispose([x, y, loss!]);
    optimizer.dispose();
    classifier.dispose();
  });

  it('rejects bad input with a SimclrError that names the argument', async () => {
    const model = build();
    const other = projectionHead({ inputDim: 5, name: 'other' });
    const vector = projectionHead({ inputDim: 8, name: 'vector' });
    const input = tfl.input({ shape: [8] });
    const clashing = tfl.model({
      inputs: input,
      outputs: tfl.layers.dense({ units: 2, name: 'stage1.conv' }).apply(input) as tfl.SymbolicTensor,
    });
    const cases: [() => unknown, RegExp][] = [
      [
        () => new SimCLRModel({ encoder: model.encoder, head: other }),
        /head must take the encoder's output \[N, 8\], got input shape \[null,5\]/,
      ],
      [
        () => new SimCLRModel({ encoder: {} as never, head: other }),
        /encoder must be a tf.LayersModel, got an object/,
      ],
      [() => new SimCLRModel({ encoder: other, head: other }), /encoder must take an ImageBatch/],
      [
        () => new SimCLRModel({ encoder: vector, head: other }),
        /encoder must take an ImageBatch \[N, H, W, C\], got input shape \[null,8\]/,
      ],
      [
        () => new SimCLRModel({ encoder: model.encoder, head: clashing }),
        /head and encoder must not share weight names .* both have 'stage1.conv\/kernel'/,
      ],
      [
        () => model.encode(tf.ones([2, 12, 12, 1]) as tf.Tensor4D),
        /images must have shape \[N,12,12,3\] for this encoder, got shape \[2,12,12,1\]/,
      ],
      [
        () => model.encode(tf.ones([12, 12, 3]) as never),
        /images must be a rank-4 NHWC tensor, got shape \[12,12,3\]/,
      ],
      [
        () => model.project(tf.ones([1, 12, 12, 3]) as tf.Tensor4D, { training: 'yes' as never }),
        /training must be true or false/,
      ],
    ];
    for (const [call, message] of cases) {
      const run = () => tf.tidy(() => void call());
      expect(run).toThrow(SimclrError);
      expect(run).toThrow(message);
    }
    await expect(
      loadSimCLRModel(
        tf.io.fromMemory(
          await (async () => {
            let a: tf.io.ModelArtifacts | undefined;
            await other.save(
              tf.io.withSaveHandler(async (x) => {
                a = x;
                return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
              }),
            );
            return a!;
          })(),
        ),
      ),
    ).rejects.toThrow(/source must hold a model written by SimCLRModel.save/);
    for (const m of [other, vector, clashing]) m.dispose();
    model.dispose();
  });
});

import { createRng, type ImageBatch } from '@simclr/core';
import { ntXent } from '@simclr/losses';
import type { SimCLRModel } from '@simclr/models';
import { describeBackends, expectClose } from '@simclr/test-utils';
import {
  contrastiveGradients,
  createOptimizer,
  parsePretrainConfig,
  pretrain,
  type StepMetrics,
} from '@simclr/train';
import { pretrainParallel } from '@simclr/train/node';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { dimThenMirror } from './fixtures/parallel-augment.js';
import { MemorySink, makeDataset, makeModel } from './helpers.js';

const FIXTURE = new URL('./fixtures/parallel-augment.ts', import.meta.url).href;

const config = {
  epochs: 1,
  batchSize: 8,
  seed: 3,
  checkpointEvery: 0,
  optimizer: {
    name: 'sgd' as const,
    baseLearningRate: 0.5,
    lrScaling: 'none' as const,
    warmupEpochs: 0,
    weightDecay: 0,
  },
};

function weights(model: SimCLRModel, trainableOnly = false): tf.Tensor[] {
  const ws = trainableOnly
    ? [...model.encoder.trainableWeights, ...model.head.trainableWeights]
    : [...model.encoder.weights, ...model.head.weights];
  return ws.map((w) => w.read());
}

function expectSameWeights(a: SimCLRModel, b: SimCLRModel, trainableOnly = false): void {
  const wa = weights(a, trainableOnly);
  const wb = weights(b, trainableOnly);
  expect(wb.length).toBe(wa.length);
  wa.forEach((t, i) => {
    expectClose(wb[i]!, t, { atol: 1e-4, rtol: 1e-4 });
  });
}

describeBackends('pretrainParallel', ['cpu', 'wasm'], (backend) => {
  it('with global batch norm, 2 workers take the single-process steps on the global batch (LARS, warm-up + cosine)', async () => {
    const lars = {
      ...config,
      epochs: 2,
      optimizer: { name: 'lars' as const, baseLearningRate: 1, warmupEpochs: 0.5 },
    };
    const dataset = await makeDataset(16);
    const single = makeModel();
    const parallel = makeModel();
    const expected: StepMetrics[] = [];
    const got: StepMetrics[] = [];
    await pretrain(lars, {
      model: single,
      dataset,
      augment: dimThenMirror(),
      onStep: (m) => void expected.push(m),
    });
    const result = await pretrainParallel(lars, {
      model: parallel,
      dataset,
      augment: { module: FIXTURE, export: 'dimThenMirror' },
      workers: 2,
      globalBatchNorm: true,
      syncCheckEvery: 1,
      backend,
      onStep: (m) => void got.push(m),
    });
    expect(result).toMatchObject({ status: 'completed', step: 4, workers: 2 });
    expect(got.map((m) => [m.step, m.lr])).toEqual(expected.map((m) => [m.step, m.lr]));
    expectClose(
      got.map((m) => m.loss),
      expected.map((m) => m.loss),
      { atol: 1e-4 },
    );
    // Trainable weights and the moving statistics alike: global BN updates them from the global batch.
    expectSameWeights(parallel, single);
    single.dispose();
    parallel.dispose();
  });

  it('with per-worker batch norm, 2 workers take the single-process step computed shard by shard', async () => {
    const dataset = await makeDataset(16);
    const reference = makeModel();
    const parallel = makeModel();
    const got: StepMetrics[] = [];
    await pretrainParallel(config, {
      model: parallel,
      dataset,
      augment: { module: FIXTURE, export: 'dimThenMirror' },
      workers: 2,
      backend,
      onStep: (m) => void got.push(m),
    });

    // The reference: the loop's data order (the data generator is the first fork of the seed's), each
    // half of a view embedded on its own (batch norm per shard), one loss over all views.
    const parsed = parsePretrainConfig(config);
    const optimizer = createOptimizer(parsed.optimizer, 0.5);
    const augment = dimThenMirror();
    const expected: number[] = [];
    const half = config.batchSize / 2;
    for await (const batch of dataset.batches({
      batchSize: config.batchSize,
      shuffle: true,
      rng: createRng(config.seed).fork(),
    })) {
      const lr = 0.5 * 0.5 * (1 + Math.cos((Math.PI * expected.length) / 2));
      optimizer.setLearningRate(lr);
      const r = tf.tidy(() => {
        const view1 = augment(batch.images);
        const view2 = augment(batch.images);
        const out = contrastiveGradients({
          embed: (x, training) =>
            tf.concat(
              [0, half].map((s) => reference.project(tf.slice(x, s, half) as ImageBatch, { training })),
            ),
          loss: (z1, z2) => ntXent(z1, z2, { temperature: parsed.loss.temperature }),
          view1,
          view2,
          variables: reference.trainableWeights,
        });
        optimizer.applyGradients(out.grads);
        tf.dispose([out.z1, out.z2, ...Object.values(out.grads)]);
        return out.loss;
      });
      expected.push(r.dataSync()[0]!);
      tf.dispose([r, batch.images]);
    }
    optimizer.dispose();
    expectClose(
      got.map((m) => m.loss),
      expected,
      { atol: 1e-4 },
    );
    expectSameWeights(parallel, reference, true);
    reference.dispose();
    parallel.dispose();
  });

  it('with gradient-cache chunks, 2 workers take the single-process chunked steps (the same chunks)', async () => {
    // Chunks of 2 images: the single process cuts the batch of 8 into 4 chunks, each worker its 4 images
    // into 2, the same 4; batch norm normalises per chunk in both, so the steps are the same.
    const chunked = { ...config, chunkSize: 2 };
    const dataset = await makeDataset(16);
    const single = makeModel();
    const parallel = makeModel();
    const expected: StepMetrics[] = [];
    const got: StepMetrics[] = [];
    await pretrain(chunked, {
      model: single,
      dataset,
      augment: dimThenMirror(),
      onStep: (m) => void expected.push(m),
    });
    await pretrainParallel(chunked, {
      model: parallel,
      dataset,
      augment: { module: FIXTURE, export: 'dimThenMirror' },
      workers: 2,
      backend,
      onStep: (m) => void got.push(m),
    });
    expectClose(
      got.map((m) => m.loss),
      expected.map((m) => m.loss),
      { atol: 1e-4 },
    );
    expectSameWeights(parallel, single, true);
    single.dispose();
    parallel.dispose();
  });
});

/**
 * A worker's failure, a non-finite loss and a batch the workers do not divide are handled by the leader
 * whatever backend the workers compute on: these run on wasm only.
 */
describeBackends('pretrainParallel, failures', ['wasm'], (backend) => {
  it.each([
    { how: 'throw' as const, error: /worker 1 of 2 failed: augmentation failed on purpose in call 3/ },
    { how: 'exit' as const, error: /worker 1 of 2 exited with code 3/ },
  ])(
    'a worker that fails ($how) ends the run naming it; a resume with another worker count finishes it',
    async ({ how, error }) => {
      const dataset = await makeDataset(24);
      const sink = new MemorySink();
      const model = makeModel();
      const run = { ...config, checkpointEvery: 1 };
      await expect(
        pretrainParallel(run, {
          model,
          dataset,
          augment: { module: FIXTURE, export: 'failing', args: { rank: 1, atCall: 3, how } },
          workers: 2,
          backend,
          checkpoints: sink,
        }),
      ).rejects.toThrow(error);
      expect(sink.saved.map((s) => s.step)).toEqual([1]);
      const resumed = await pretrainParallel(run, {
        model,
        dataset,
        augment: { module: FIXTURE, export: 'dimThenMirror' },
        workers: 1,
        backend,
        checkpoints: sink,
      });
      expect(resumed).toMatchObject({ status: 'completed', step: 3, resumedFrom: 1, workers: 1 });
      expect(sink.saved.map((s) => s.step)).toEqual([1, 2, 3]);
      model.dispose();
    },
  );

  it('a non-finite loss on one worker stops every worker before the update; the last checkpoint stays the newest', async () => {
    const dataset = await makeDataset(24);
    const sink = new MemorySink();
    const model = makeModel();
    await expect(
      pretrainParallel(
        { ...config, checkpointEvery: 1 },
        {
          model,
          dataset,
          augment: { module: FIXTURE, export: 'poisoned', args: { rank: 1, fromCall: 3 } },
          workers: 2,
          backend,
          checkpoints: sink,
        },
      ),
    ).rejects.toThrow(
      'the loss became NaN at step 2 (epoch 0): the augmentation produced NaN or infinite values from finite images. The update was not applied and checkpoint 1 is the last good one',
    );
    expect(sink.saved.map((s) => s.step)).toEqual([1]);
    model.dispose();
  });

  it('rejects a batch the workers do not divide', async () => {
    const dataset = await makeDataset(16);
    const model = makeModel();
    await expect(
      pretrainParallel(
        { ...config, batchSize: 6 },
        { model, dataset, augment: { module: FIXTURE, export: 'dimThenMirror' }, workers: 4, backend },
      ),
    ).rejects.toThrow(
      'pretrainParallel: config.batchSize (6) must be a multiple of the number of workers (4)',
    );
    model.dispose();
  });
});

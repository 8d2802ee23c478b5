import { createRng, type ImageBatch, SimclrError } from '@simclr/core';
import { fromTensors, syntheticShapes } from '@simclr/data';
import { extractFeatures, type Features } from '@simclr/eval';
import { extractFeaturesParallel } from '@simclr/eval/node';
import { projectionHead, SimCLRModel, smallCnn } from '@simclr/models';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { type FailHow, FailOnWorker } from './fixtures/fail-on-worker.js';
import { tinyEncoder } from './helpers/tiny-encoder.js';

const FIXTURE = new URL('./fixtures/fail-on-worker.ts', import.meta.url);

/** A SimCLRModel whose batch norm has moving statistics away from 0 and 1, so inference mode shows. */
function simclrModel(): SimCLRModel {
  const rng = createRng(4);
  const encoder = smallCnn({ inputShape: [16, 16, 1], widths: [4, 8], rng });
  for (const w of encoder.weights) {
    if (/moving_(mean|variance)$/.test(w.originalName)) {
      const values = tf.tidy(() =>
        tf.add(tf.mul(tf.randomUniform(w.read().shape, 0, 1, 'float32', 5), 0.5), 0.5),
      );
      w.write(values);
      values.dispose();
    }
  }
  return new SimCLRModel({ encoder, head: projectionHead({ inputDim: 8, outputDim: 4, rng }) });
}

async function expectSameFeatures(got: Features, want: Features, backend: string): Promise<void> {
  // Bit-identical on cpu; wasm may differ in the last bits between a worker's and this thread's kernels.
  expectClose(got.features, want.features, { atol: backend === 'cpu' ? 0 : 1e-6, rtol: 0 });
  expect(got.features.shape).toEqual(want.features.shape);
  expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
  expect(got.numClasses).toBe(want.numClasses);
  expect(got.classNames).toEqual(want.classNames);
}

describeBackends('extractFeaturesParallel', ['cpu', 'wasm'], (backend) => {
  it('equals extractFeatures with 1 worker, a bare LayersModel and the default batch size', async () => {
    const dataset = await syntheticShapes({ size: 23, imageSize: 16, channels: 1 });
    const encoder = tinyEncoder([16, 16, 1], 3);
    const want = await extractFeatures(encoder, dataset);
    const got = await extractFeaturesParallel(encoder, dataset, { workers: 1 });
    await expectSameFeatures(got, want, backend);
    tf.dispose([want.features, got.features]);
    encoder.dispose();
  });

  it('equals extractFeatures with 2 workers on an uneven split (23 images, 5 batches), a SimCLRModel', async () => {
    const dataset = await syntheticShapes({ size: 23, imageSize: 16, channels: 1 });
    const model = simclrModel();
    const want = await extractFeatures(model, dataset, { batchSize: 5 });
    const progress: number[] = [];
    const got = await extractFeaturesParallel(model, dataset, {
      batchSize: 5,
      workers: 2,
      backend,
      onProgress: (done, total) => {
        expect(total).toBe(23);
        progress.push(done);
      },
    });
    await expectSameFeatures(got, want, backend);
    // Whole batches (four of 5 images and the last of 3), in the order the workers finish them.
    expect(progress).toHaveLength(5);
    expect(progress.at(-1)).toBe(23);
    expect(progress.map((d, i) => d - (progress[i - 1] ?? 0)).sort()).toEqual([3, 5, 5, 5, 5]);
    tf.dispose([want.features, got.features]);
    model.dispose();
  });

  it('rejects a function encoder, bad workers values and the input extractFeatures rejects', async () => {
    const images = tf.zeros([4, 8, 8, 1]);
    const unlabelled = await fromTensors(images);
    const labelled = await fromTensors(images, [0, 1, 0, 1]);
    images.dispose();
    const encoder = tinyEncoder([8, 8, 1], 1);
    const pixels = (x: ImageBatch) => tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    const cases: [() => Promise<unknown>, RegExp][] = [
      [
        () => extractFeaturesParallel(pixels, labelled, { workers: 2 }),
        /^encoder must be a tf\.LayersModel or an object holding one as `encoder` \(a SimCLRModel\) for extractFeaturesParallel: a function cannot be sent to a worker thread; use extractFeatures for it/,
      ],
      [() => extractFeaturesParallel({} as never, labelled), /^encoder must be a tf\.LayersModel/],
      [
        () => extractFeaturesParallel(encoder, labelled, { workers: 0 }),
        /^workers must be 'auto' or an integer >= 1, got 0/,
      ],
      [
        () => extractFeaturesParallel(encoder, labelled, { workers: 1.5 }),
        /^workers must be 'auto' or an integer >= 1, got 1\.5/,
      ],
      [
        () => extractFeaturesParallel(encoder, labelled, { workers: 'all' as never }),
        /^workers must be 'auto' or an integer >= 1, got "all"/,
      ],
      [
        () => extractFeaturesParallel(encoder, labelled, { batchSize: 0 }),
        /^batchSize must be an integer >= 1, got 0/,
      ],
      [() => extractFeaturesParallel(encoder, unlabelled, { workers: 1 }), /^dataset must have labels/],
      [
        () => extractFeaturesParallel(encoder, labelled, { modules: 'x.js' as never }),
        /^modules must be an array of URLs or file paths/,
      ],
    ];
    try {
      for (const [call, message] of cases) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, String(message)).toBeInstanceOf(SimclrError);
        expect((error as Error).message).toMatch(message);
      }
    } finally {
      encoder.dispose();
    }
  });

  it('an error on this thread (reading the dataset) stops the workers and is the one thrown', async () => {
    const dataset = await syntheticShapes({ size: 40, imageSize: 8, channels: 1 });
    const broken = {
      ...dataset,
      get: async (indices: readonly number[]) => {
        if (indices[0]! >= 24) throw new Error('the disk went away');
        return dataset.get(indices);
      },
    };
    const encoder = tinyEncoder([8, 8, 1], 2);
    await expect(extractFeaturesParallel(encoder, broken, { workers: 2, batchSize: 4 })).rejects.toThrow(
      /^the disk went away$/,
    );
    encoder.dispose();
  });
});

/** A worker's failure is the leader's to report, whatever the backend: on wasm only. */
describeBackends('extractFeaturesParallel, failing workers', ['wasm'], () => {
  it.each([
    {
      how: 'throw' as FailHow,
      error: /^extractFeaturesParallel: worker 1 of 2 failed: the forward pass failed on purpose/,
    },
    { how: 'exit' as FailHow, error: /^extractFeaturesParallel: worker 1 of 2 exited with code 3$/ },
  ])('a worker that fails ($how) rejects naming it', async ({ how, error }) => {
    const dataset = await syntheticShapes({ size: 40, imageSize: 8, channels: 1 });
    const input = tfl.input({ shape: [8, 8, 1] });
    const failing = new FailOnWorker({ rank: 1, how }).apply(input) as tfl.SymbolicTensor;
    const flat = tfl.layers.globalAveragePooling2d({}).apply(failing) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: flat });
    await expect(
      extractFeaturesParallel(model, dataset, { workers: 2, batchSize: 4, modules: [FIXTURE] }),
    ).rejects.toThrow(error);
    // Without the module that registers the layer, the workers cannot even load the model.
    await expect(extractFeaturesParallel(model, dataset, { workers: 2, batchSize: 4 })).rejects.toThrow(
      /^extractFeaturesParallel: worker [01] of 2 failed: Unknown layer: FailOnWorker: a custom layer class must be registered in the worker too; do it in a module passed as `modules`/,
    );
    model.dispose();
  });
});

import { type ImageBatch, SimclrError } from '@simclr/core';
import { fromTensors, syntheticShapes } from '@simclr/data';
import { extractFeatures } from '@simclr/eval';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { tinyEncoder } from './helpers/tiny-encoder.js';

describeBackends('extractFeatures', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('encodes every image in index order, with its label, in inference mode', async () => {
    const dataset = await syntheticShapes({ size: 23, imageSize: 16, channels: 1 });
    const encoder = tinyEncoder([16, 16, 1], 3);
    const progress: number[] = [];
    const { features, labels, numClasses, classNames } = await extractFeatures(encoder, dataset, {
      batchSize: 7,
      onProgress: (done, total) => {
        expect(total).toBe(23);
        progress.push(done);
      },
    });
    const all = await dataset.get(Array.from({ length: 23 }, (_, i) => i));
    const expected = encoder.predict(all.images) as tf.Tensor;
    expect(features.shape).toEqual([23, 16]);
    expectClose(features, expected, { atol: 1e-5 });
    expect(Array.from(labels)).toEqual(Array.from(await all.labels!.data()));
    expect(progress).toEqual([7, 14, 21, 23]);
    expect(numClasses).toBe(5);
    expect(classNames).toEqual(dataset.classNames);
    tf.dispose([features, expected, all.images, all.labels!]);
    encoder.dispose();
  });

  it('takes an object holding the encoder (a SimCLRModel) or a function', async () => {
    const dataset = await syntheticShapes({ size: 10, imageSize: 16, channels: 1 });
    const encoder = tinyEncoder([16, 16, 1], 4);
    const direct = await extractFeatures(encoder, dataset, { batchSize: 4 });
    const held = await extractFeatures({ encoder }, dataset, { batchSize: 4 });
    const fn = await extractFeatures((x: ImageBatch) => encoder.apply(x) as tf.Tensor2D, dataset);
    expectClose(held.features, direct.features, { atol: 0 });
    expectClose(fn.features, direct.features, { atol: 1e-5 });
    tf.dispose([direct.features, held.features, fn.features]);
    encoder.dispose();
  });

  it('rejects an unlabelled dataset, a bad encoder and an encoder output of the wrong shape', async () => {
    const images = tf.zeros([4, 8, 8, 1]);
    const unlabelled = await fromTensors(images);
    const labelled = await fromTensors(images, [0, 1, 0, 1]);
    images.dispose();
    const flat = (x: ImageBatch) => tf.reshape(x, [-1]) as unknown as tf.Tensor2D;
    await expect(extractFeatures((x) => tf.reshape(x, [4, 64]), unlabelled)).rejects.toThrow(
      /dataset must have labels/,
    );
    await expect(extractFeatures({} as never, labelled)).rejects.toThrow(SimclrError);
    await expect(extractFeatures({} as never, labelled)).rejects.toThrow(/^encoder must be/);
    await expect(extractFeatures(flat, labelled)).rejects.toThrow(
      /encoder must return float32 features \[4, D\] for a batch of 4 images, got a float32 tensor of shape \[256\]/,
    );
    await expect(extractFeatures((x) => tf.reshape(x, [4, 64]), labelled, { batchSize: 0 })).rejects.toThrow(
      /batchSize must be an integer >= 1, got 0/,
    );
  });
});

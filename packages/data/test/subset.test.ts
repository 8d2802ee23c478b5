import { SimclrError } from '@simclr/core';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { fromTensors, subset } from '../src/index.js';

describeBackends('subset', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('reads through to the chosen examples, in order, and batches over them', async () => {
    const images = tf.tidy(() => tf.reshape(tf.div(tf.range(0, 10), 10), [10, 1, 1, 1]) as tf.Tensor4D);
    const base = await fromTensors(images, Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]));
    images.dispose();
    const view = subset(base, [7, 2, 9]);
    expect(view.size).toBe(3);
    expect(view.numClasses).toBe(3);
    const b = await view.get([2, 0]);
    expect(Array.from(await b.labels!.data())).toEqual([0, 1]);
    const px = Array.from(await b.images.data());
    expect(px[0]).toBeCloseTo(0.9, 6);
    expect(px[1]).toBeCloseTo(0.7, 6);
    tf.dispose([b.images, b.labels!]);
    const seen: number[] = [];
    for await (const batch of view.batches({ batchSize: 2, dropLast: false })) {
      seen.push(...(await batch.labels!.data()));
      tf.dispose([batch.images, batch.labels!]);
    }
    expect(seen).toEqual([1, 2, 0]);
    expect(() => subset(base, [10])).toThrow(SimclrError);
    expect(() => subset(base, [])).toThrow('indices must be a non-empty array of integers, got []');
  });
});

import { SimclrError } from '@simclr/core';
import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { fromTensors } from '../src/index.js';

describeBackends('fromTensors', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('keeps float32 images exactly and survives disposing the inputs', async () => {
    const values = Float32Array.from({ length: 3 * 2 * 2 * 3 }, (_, i) => (i * 0.37) % 1);
    const images = tf.tensor4d(values, [3, 2, 2, 3]);
    const labels = tf.tensor1d([2, 0, 1], 'int32');
    const ds = await fromTensors(images, labels, { classNames: ['a', 'b', 'c'] });
    tf.dispose([images, labels]);
    expect(ds.size).toBe(3);
    expect(ds.imageShape).toEqual([2, 2, 3]);
    expect(ds.numClasses).toBe(3);
    const b = await ds.get([2, 0]);
    expectClose(b.images, [...values.subarray(24, 36), ...values.subarray(0, 12)], { atol: 0 });
    expect([...(await b.labels!.data())]).toEqual([1, 2]);
    tf.dispose([b.images, b.labels!]);
  });

  it('keeps int32 images in 0 … 255 as bytes and takes labels as an array', async () => {
    const images = tf.tensor4d([0, 51, 255, 102], [4, 1, 1, 1], 'int32');
    const ds = await fromTensors(images, [0, 1, 1, 0], { numClasses: 5 });
    images.dispose();
    expect(ds.numClasses).toBe(5);
    const b = await ds.get([1, 2]);
    expectClose(b.images, Float32Array.of(51 / 255, 1), { atol: 0 });
    tf.dispose([b.images, b.labels!]);
  });

  it('names what is wrong', async () => {
    const bad = tf.tensor4d([0, 1.5], [2, 1, 1, 1]);
    const two = tf.zeros([2, 1, 1, 2]);
    const ok = tf.zeros([2, 1, 1, 1]);
    await expect(fromTensors(bad)).rejects.toThrow(
      'images must have values in [0, 1] when float32, got 1.5 at flat index 1',
    );
    await expect(fromTensors(two)).rejects.toThrow(
      'images must have 1 or 3 channels (NHWC), got 2 in shape [2,1,1,2]',
    );
    await expect(fromTensors(ok, [0])).rejects.toThrow('labels must hold one label per image (2), got 1');
    await expect(fromTensors(ok, [0, -1])).rejects.toThrow('labels must be integers >= 0, got -1 at index 1');
    await expect(fromTensors(ok, [0, 3], { numClasses: 2 })).rejects.toThrow(
      'labels must lie in 0 … 1 (numClasses), got 3 at index 1',
    );
    const flat = tf.zeros([2, 2]);
    await expect(fromTensors(flat as never)).rejects.toThrow(SimclrError);
    tf.dispose([bad, two, ok, flat]);
  });
});

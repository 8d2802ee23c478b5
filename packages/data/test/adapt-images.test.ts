import type { ImageBatch } from '@simclr/core';
import { SimclrError } from '@simclr/core';
import { compareClose, DEFAULT_ATOL, describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { adaptImageBatch, adaptImages, type Dataset, fromTensors, syntheticShapes } from '../src/index.js';
import fixtures from './fixtures/adapt-images.json' with { type: 'json' };

type Case = {
  input: { shape: number[]; bytes: number[] };
  target: { size: [number, number]; channels: 1 | 3 };
  antialias: boolean;
  output: { shape: number[]; data: number[] };
  /** torchvision's output on float64 tensors. */
  output64: number[];
};
const cases = fixtures.cases as unknown as Record<string, Case>;

/** The bytes as the loaders hand them out: `v / 255` in float32. */
function load({ shape, bytes }: Case['input']): ImageBatch {
  return tf.tidy(() => tf.div(tf.tensor4d(bytes, shape as [number, number, number, number], 'float32'), 255));
}

async function drain(dataset: Dataset, batchSize: number): Promise<number[][]> {
  const shapes: number[][] = [];
  for await (const { images, labels } of dataset.batches({ batchSize, dropLast: false })) {
    shapes.push(images.shape);
    tf.dispose([images, labels!]);
  }
  return shapes;
}

describeBackends('adaptImages against torchvision', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  const errors: string[] = [];
  afterAll(() => {
    console.info(`max |ours - torchvision (float32)| on ${backend}:\n  ${errors.join('\n  ')}`);
  });

  it(`fixtures come from torch ${fixtures.torch}, torchvision ${fixtures.torchvision}`, () => {
    expect(Object.keys(cases).length).toBeGreaterThanOrEqual(10);
  });

  const atol = DEFAULT_ATOL[backend];
  for (const [name, c] of Object.entries(cases)) {
    it(`${name} matches to ${atol}`, () => {
      const x = load(c.input);
      const out = adaptImageBatch(x, c.target, { antialias: c.antialias });
      expect(out.shape).toEqual(c.output.shape);
      const vs32 = compareClose(out, c.output.data).maxAbs.toExponential(2);
      const vs64 = compareClose(out, c.output64).maxAbs.toExponential(2);
      errors.push(`${name}: ${vs32} (torchvision on float64: ${vs64})`);
      expectClose(out, c.output.data, { atol, label: name });
      // Closer to the float64 result than torch's float32 one is (up to 1.3e-6 here).
      expectClose(out, c.output64, { atol: atol / 10, label: `${name} (float64)` });
      tf.dispose([x, out]);
    });
  }

  it('a dataset read through adaptImages gives the same images, labels and classes', async () => {
    const c = cases['cifar10 to fashion-mnist: rgb 32x32 -> grey 28x28']!;
    const bytes = tf.tensor4d(c.input.bytes, c.input.shape as [number, number, number, number], 'int32');
    const source = await fromTensors(bytes, [1, 0], { numClasses: 2, classNames: ['a', 'b'] });
    bytes.dispose();
    const adapted = adaptImages(source, c.target);
    expect(adapted.imageShape).toEqual([28, 28, 1]);
    expect(adapted).toMatchObject({ size: 2, numClasses: 2, classNames: ['a', 'b'] });
    const { images, labels } = await adapted.get([1, 0, 1]);
    expect(images.shape).toEqual([3, 28, 28, 1]);
    expect(Array.from(labels!.dataSync())).toEqual([0, 1, 0]);
    const per = 28 * 28;
    const expected = [
      ...c.output.data.slice(per),
      ...c.output.data.slice(0, per),
      ...c.output.data.slice(per),
    ];
    expectClose(images, expected, { atol, label: 'adapted dataset' });
    tf.dispose([images, labels!]);
  });
});

describeBackends('adaptImages', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  const atol = DEFAULT_ATOL[backend];

  it('shrinking a column of 4 to 1: the antialiased triangle filter, and the two middle pixels without', () => {
    const x = tf.tensor4d([0, 0.4, 0.8, 1], [1, 4, 1, 1]);
    const smooth = adaptImageBatch(x, { size: [1, 1] });
    // Centre 2, filter half-width 4: weights 0.625, 0.875, 0.875, 0.625, normalised.
    expectClose(smooth, [(0.875 * 0.4 + 0.875 * 0.8 + 0.625 * 1) / 3], { atol });
    const plain = adaptImageBatch(x, { size: [1, 1] }, { antialias: false });
    expectClose(plain, [0.6], { atol });
    tf.dispose([x, smooth, plain]);
  });

  it('grey is 0.2989 R + 0.587 G + 0.114 B, and grey to RGB repeats the channel', () => {
    const x = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.25, 1], [1, 2, 2, 3]);
    const grey = adaptImageBatch(x, { channels: 1 });
    expectClose(grey, [0.2989, 0.587, 0.114, 0.2989 * 0.5 + 0.587 * 0.25 + 0.114], { atol: 1e-6 });
    const rgb = adaptImageBatch(grey, { channels: 3 });
    expect(rgb.shape).toEqual([1, 2, 2, 3]);
    expectClose(
      rgb,
      [...grey.dataSync()].flatMap((v) => [v, v, v]),
      { atol: 0 },
    );
    tf.dispose([x, grey, rgb]);
  });

  it('keeps values in [0, 1] and returns a new tensor when nothing changes', () => {
    const x = tf.ones([2, 7, 5, 3]) as tf.Tensor4D;
    const same = adaptImageBatch(x, {});
    expect(same).not.toBe(x);
    expectClose(same, x, { atol: 0 });
    const shrunk = adaptImageBatch(x, { size: [3, 2], channels: 1 });
    expect(shrunk.shape).toEqual([2, 3, 2, 1]);
    expect(Math.max(...shrunk.dataSync())).toBeLessThanOrEqual(1);
    expect(x.isDisposed).toBe(false);
    tf.dispose([x, same, shrunk]);
  });

  it('returns the dataset itself when its images already have the target shape', async () => {
    const dataset = await syntheticShapes({ size: 8, imageSize: 16 });
    expect(adaptImages(dataset, { size: [16, 16], channels: 3 })).toBe(dataset);
    expect(adaptImages(dataset, {})).toBe(dataset);
  });

  it('converts batch by batch as the dataset is read, labels untouched', async () => {
    const dataset = await syntheticShapes({ size: 10, imageSize: 32, channels: 3 });
    const adapted = adaptImages(dataset, { size: [28, 24], channels: 1 });
    expect(adapted.imageShape).toEqual([28, 24, 1]);
    expect(await drain(adapted, 4)).toEqual([
      [4, 28, 24, 1],
      [4, 28, 24, 1],
      [2, 28, 24, 1],
    ]);
    const [a, b] = await Promise.all([adapted.get([3, 7]), dataset.get([3, 7])]);
    const expected = adaptImageBatch(b.images, { size: [28, 24], channels: 1 });
    expectClose(a.images, expected, { atol: 0 });
    expect(Array.from(a.labels!.dataSync())).toEqual(Array.from(b.labels!.dataSync()));
    tf.dispose([a.images, a.labels!, b.images, b.labels!, expected]);
  });
});

describeBackends(
  'adaptImages refuses bad input, naming the function and the argument',
  ['cpu', 'webgl'],
  () => {
    const images = () => tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const cases: [string, () => unknown, string][] = [
      [
        'a dataset that is not one',
        () => adaptImages({ size: 3 } as unknown as Dataset, { channels: 1 }),
        'adaptImages dataset must be a Dataset',
      ],
      [
        'a target that is not an object',
        () => adaptImageBatch(images(), 28 as never),
        'adaptImageBatch target',
      ],
      [
        'a size of one number',
        () => adaptImageBatch(images(), { size: 28 as never }),
        'adaptImageBatch target.size must be [height, width] of positive integers, got 28',
      ],
      [
        'a size of zero',
        () => adaptImageBatch(images(), { size: [0, 4] }),
        'adaptImageBatch target.size must be [height, width] of positive integers',
      ],
      [
        'a fractional size',
        () => adaptImageBatch(images(), { size: [2.5, 4] }),
        'adaptImageBatch target.size',
      ],
      [
        'two channels',
        () => adaptImageBatch(images(), { channels: 2 as never }),
        'adaptImageBatch target.channels must be one of 1, 3, got 2',
      ],
      [
        'an antialias that is not a boolean',
        () => adaptImageBatch(images(), { channels: 1 }, { antialias: 'yes' as never }),
        'adaptImageBatch options.antialias must be true or false',
      ],
      [
        'images that are not an ImageBatch',
        () => adaptImageBatch(tf.zeros([4, 4, 3]) as never, { channels: 1 }),
        'adaptImageBatch images must be a rank-4 NHWC tensor, got shape [4,4,3]',
      ],
    ];
    for (const [name, call, message] of cases) {
      it(name, () => {
        let error: unknown;
        tf.tidy(() => {
          try {
            call();
          } catch (e) {
            error = e;
          }
        });
        expect(SimclrError.is(error), String(error)).toBe(true);
        expect((error as Error).message).toContain(message);
      });
    }

    it('a dataset target checked before anything is read', async () => {
      const dataset = await syntheticShapes({ size: 4, imageSize: 16 });
      expect(() => adaptImages(dataset, { size: [16, -1] })).toThrow(/adaptImages target\.size/);
      expect(() => adaptImages(dataset, { channels: 4 as never })).toThrow(/adaptImages target\.channels/);
    });
  },
);

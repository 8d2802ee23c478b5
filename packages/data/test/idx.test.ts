import { SimclrError } from '@simclr/core';
import { describeBackends, expectClose } from '@simclr/test-utils';
import { describe, expect, it } from 'vitest';
import { fromIdx, parseIdx } from '../src/index.js';
import { idxFile, randomBytes, toUnit } from './helpers/formats.js';

describe('parseIdx', () => {
  it('reads big-endian dimensions and returns a view on the data', () => {
    const data = randomBytes(2 * 3 * 4, 1);
    const bytes = idxFile([2, 3, 4], data);
    const parsed = parseIdx(bytes, 3, 'x.idx');
    expect(parsed.dims).toEqual([2, 3, 4]);
    expect([...parsed.data]).toEqual([...data]);
    expect(parsed.data.buffer).toBe(bytes.buffer);
  });

  it('names the file, the expected and the found magic number', () => {
    const bytes = idxFile([2, 3, 4], randomBytes(24, 1), 0x00000801);
    expect(() => parseIdx(bytes, 3, 'imgs.idx')).toThrow(SimclrError);
    expect(() => parseIdx(bytes, 3, 'imgs.idx')).toThrow(
      'imgs.idx: expected IDX magic number 0x00000803 (unsigned bytes, 3 dimensions), found 0x00000801',
    );
    const floats = idxFile([5], randomBytes(5, 1), 0x00000d01);
    expect(() => parseIdx(floats, 1, 'l.idx')).toThrow('found 0x00000d01');
  });

  it('reports truncation and trailing bytes with both sizes', () => {
    const full = idxFile([10, 28, 28], randomBytes(7840, 2));
    expect(() => parseIdx(full.subarray(0, 1000), 3, 'a')).toThrow(
      'a: expected 7840 bytes of data after the 16-byte header (10×28×28), found 984 (the file is truncated)',
    );
    const longer = new Uint8Array(full.length + 3);
    longer.set(full);
    expect(() => parseIdx(longer, 3, 'b')).toThrow(
      'b: expected 7840 bytes of data after the 16-byte header (10×28×28), found 7843',
    );
    expect(() => parseIdx(full.subarray(0, 9), 3, 'c')).toThrow(
      'c: expected an IDX header of 16 bytes, found a file of 9 bytes',
    );
  });
});

describeBackends('fromIdx', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  const n = 12;
  const pixels = randomBytes(n * 5 * 4, 3);
  const labelValues = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10);
  const images = { name: 'images', bytes: idxFile([n, 5, 4], pixels) };
  const labels = { name: 'labels', bytes: idxFile([n], labelValues) };

  it('gives NHWC float32 images in [0, 1] and int32 labels', async () => {
    const ds = fromIdx(images, labels, { classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] });
    expect(ds.size).toBe(n);
    expect(ds.imageShape).toEqual([5, 4, 1]);
    expect(ds.numClasses).toBe(10);
    expect(ds.classNames?.[3]).toBe('d');
    const { images: x, labels: y } = await ds.get([3, 0, 11, 3]);
    expect(x.shape).toEqual([4, 5, 4, 1]);
    expect(x.dtype).toBe('float32');
    expect(y!.dtype).toBe('int32');
    const want = new Float32Array(4 * 20);
    [3, 0, 11, 3].forEach((idx, i) => {
      want.set(toUnit(pixels.subarray(idx * 20, idx * 20 + 20)), i * 20);
    });
    expectClose(x, want, { atol: 0 });
    expect([...(await y!.data())]).toEqual([3, 0, 11, 3].map((i) => labelValues[i]));
    x.dispose();
    y!.dispose();
  });

  it('works without labels', async () => {
    const ds = fromIdx(images);
    expect(ds.numClasses).toBeUndefined();
    const b = await ds.get([1]);
    expect(b.labels).toBeUndefined();
    b.images.dispose();
  });

  it('rejects labels out of range, naming the file, the range, the value and the index', () => {
    const bad = Uint8Array.from(labelValues);
    bad[7] = 12;
    expect(() => fromIdx(images, { name: 'lab.idx', bytes: idxFile([n], bad) })).toThrow(
      'lab.idx: expected labels in 0..9, found 12 at index 7',
    );
  });

  it('rejects a label file of another length', () => {
    expect(() =>
      fromIdx(images, { name: 'lab.idx', bytes: idxFile([n - 1], labelValues.subarray(1)) }),
    ).toThrow('lab.idx: expected 12 labels, one per image of images, found 11');
  });

  it('rejects bad indices', async () => {
    const ds = fromIdx(images, labels);
    await expect(ds.get([0, 12])).rejects.toThrow(
      'indices must hold integers in [0, 11], got 12 at position 1',
    );
    await expect(ds.get([])).rejects.toThrow('indices must be a non-empty array of integers, got []');
    await expect(ds.get([1.5])).rejects.toThrow(SimclrError);
  });
});

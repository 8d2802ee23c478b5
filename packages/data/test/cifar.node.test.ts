import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimclrError } from '@simclr/core';
import { describeBackends, expectClose } from '@simclr/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from '../src/index.js';
import { cifar10, cifar100 } from '../src/node.js';
import { cifarRecords, randomBytes, toUnit } from './helpers/formats.js';

const IMG = 3072;
let root = '';
// Five train batches of 3 images each and a test batch of 4; image k of the train split has label k % 10.
const train = Array.from({ length: 5 }, (_, b) => randomBytes(3 * IMG, 100 + b));
const test = randomBytes(4 * IMG, 200);
const c100 = randomBytes(6 * IMG, 300);
const c100Labels = [
  [0, 0],
  [19, 99],
  [4, 55],
  [7, 13],
  [19, 98],
  [1, 1],
];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'simclr-cifar-'));
  const c10 = join(root, 'cifar-10-batches-bin');
  await mkdir(c10);
  for (let b = 0; b < 5; b++) {
    const labels = [0, 1, 2].map((i) => [(b * 3 + i) % 10]);
    await writeFile(join(c10, `data_batch_${b + 1}.bin`), cifarRecords(train[b]!, labels));
  }
  await writeFile(join(c10, 'test_batch.bin'), cifarRecords(test, [[9], [8], [7], [6]]));
  const dir100 = join(root, 'cifar-100-binary');
  await mkdir(dir100);
  await writeFile(join(dir100, 'train.bin'), cifarRecords(c100, c100Labels));
  await writeFile(join(dir100, 'test.bin'), cifarRecords(c100.subarray(0, IMG), [[3, 30]]));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describeBackends('cifar10 / cifar100', ['cpu', 'wasm', 'webgl'], () => {
  it('reads the five train batches in order, planes into NHWC', async () => {
    for (const dir of [root, join(root, 'cifar-10-batches-bin')]) {
      const ds = await cifar10({ dir });
      expect(ds.size).toBe(15);
      expect(ds.imageShape).toEqual([32, 32, 3]);
      expect(ds.numClasses).toBe(10);
      expect(ds.classNames).toEqual(CIFAR10_CLASSES);
      const { images, labels } = await ds.get([14, 0, 4]);
      const want = new Float32Array(3 * IMG);
      want.set(toUnit(train[4]!.subarray(2 * IMG, 3 * IMG)), 0);
      want.set(toUnit(train[0]!.subarray(0, IMG)), IMG);
      want.set(toUnit(train[1]!.subarray(IMG, 2 * IMG)), 2 * IMG);
      expectClose(images, want, { atol: 0 });
      expect([...(await labels!.data())]).toEqual([4, 0, 4]);
      images.dispose();
      labels!.dispose();
    }
  });

  it('reads the test batch', async () => {
    const ds = await cifar10({ dir: root, split: 'test' });
    expect(ds.size).toBe(4);
    const { images, labels } = await ds.get([1]);
    expectClose(images, toUnit(test.subarray(IMG, 2 * IMG)), { atol: 0 });
    expect([...(await labels!.data())]).toEqual([8]);
    images.dispose();
    labels!.dispose();
  });

  it('gives CIFAR-100 fine or coarse labels', async () => {
    const fine = await cifar100({ dir: root });
    const coarse = await cifar100({ dir: root, labels: 'coarse' });
    expect([fine.numClasses, coarse.numClasses]).toEqual([100, 20]);
    expect(fine.classNames).toEqual(CIFAR100_FINE_CLASSES);
    expect(coarse.classNames).toEqual(CIFAR100_COARSE_CLASSES);
    const a = await fine.get([0, 1, 2, 3, 4, 5]);
    const b = await coarse.get([0, 1, 2, 3, 4, 5]);
    expect([...(await a.labels!.data())]).toEqual(c100Labels.map((l) => l[1]));
    expect([...(await b.labels!.data())]).toEqual(c100Labels.map((l) => l[0]));
    expectClose(a.images, toUnit(c100), { atol: 0 });
    for (const t of [a.images, a.labels!, b.images, b.labels!]) t.dispose();
    expect((await cifar100({ dir: root, split: 'test' })).size).toBe(1);
  });
});

describe('cifar errors', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'simclr-cifar-bad-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names the class lists fully', () => {
    expect(CIFAR100_FINE_CLASSES).toHaveLength(100);
    expect(new Set(CIFAR100_FINE_CLASSES).size).toBe(100);
    expect(CIFAR100_COARSE_CLASSES).toHaveLength(20);
  });

  it('reports a truncated file with its size in records', async () => {
    const path = join(dir, 'test_batch.bin');
    await writeFile(path, cifarRecords(test, [[1], [2], [3], [4]]).subarray(0, 3 * 3073 + 100));
    await expect(cifar10({ dir, split: 'test' })).rejects.toThrow(
      `${path}: expected whole 3073-byte records (1 label byte + 3072 pixel bytes), found 9319 bytes (3 records and 100 bytes over)`,
    );
  });

  it('reports labels out of range', async () => {
    const path = join(dir, 'test_batch.bin');
    await writeFile(path, cifarRecords(test, [[1], [2], [10], [4]]));
    const err = await cifar10({ dir, split: 'test' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimclrError);
    expect((err as Error).message).toBe(`${path}: expected labels in 0..9, found 10 at index 2`);
    const p100 = join(dir, 'test.bin');
    await writeFile(
      p100,
      cifarRecords(c100.subarray(0, 2 * IMG), [
        [3, 30],
        [20, 5],
      ]),
    );
    await expect(cifar100({ dir, split: 'test' })).rejects.toThrow(
      `${p100}: expected labels in 0..19, found 20 at index 1`,
    );
    await writeFile(
      p100,
      cifarRecords(c100.subarray(0, 2 * IMG), [
        [3, 100],
        [2, 5],
      ]),
    );
    await expect(cifar100({ dir, split: 'test', labels: 'coarse' })).rejects.toThrow(
      `${p100}: expected labels in 0..99, found 100 at index 0`,
    );
  });

  it('says which files it looked for', async () => {
    await expect(cifar10({ dir })).rejects.toThrow(
      `CIFAR-10 (binary version): expected ${join(dir, 'data_batch_1.bin')} or ${join(dir, 'cifar-10-batches-bin', 'data_batch_1.bin')}, found neither`,
    );
    await writeFile(join(dir, 'data_batch_1.bin'), cifarRecords(test.subarray(0, IMG), [[1]]));
    await expect(cifar10({ dir })).rejects.toThrow(
      `${join(dir, 'data_batch_2.bin')}: could not read the file (ENOENT`,
    );
  });
});

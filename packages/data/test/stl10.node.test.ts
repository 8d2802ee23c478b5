import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackends, expectClose } from '@simclr/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STL10_CLASSES } from '../src/index.js';
import { stl10 } from '../src/node.js';
import { randomBytes, stl10Images, toUnit } from './helpers/formats.js';

const IMG = 27648;
let root = '';
let bin = '';
const train = randomBytes(3 * IMG, 1);
const unlabeled = randomBytes(5 * IMG, 2);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'simclr-stl-'));
  bin = join(root, 'stl10_binary');
  await mkdir(bin);
  await writeFile(join(bin, 'train_X.bin'), stl10Images(train, 3));
  await writeFile(join(bin, 'train_y.bin'), Uint8Array.of(1, 10, 4));
  await writeFile(join(bin, 'test_X.bin'), stl10Images(train.subarray(0, 2 * IMG), 2));
  await writeFile(join(bin, 'test_y.bin'), Uint8Array.of(2, 3));
  await writeFile(join(bin, 'unlabeled_X.bin'), stl10Images(unlabeled, 5));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describeBackends('stl10', ['cpu', 'wasm', 'webgl'], () => {
  it('reads labelled splits from stl10_binary or its parent', async () => {
    for (const dir of [root, bin]) {
      const ds = await stl10({ dir });
      expect(ds.size).toBe(3);
      expect(ds.imageShape).toEqual([96, 96, 3]);
      expect(ds.numClasses).toBe(10);
      expect(ds.classNames).toEqual(STL10_CLASSES);
      const { images, labels } = await ds.get([2, 0]);
      const want = new Float32Array(2 * IMG);
      want.set(toUnit(train.subarray(2 * IMG, 3 * IMG)), 0);
      want.set(toUnit(train.subarray(0, IMG)), IMG);
      expectClose(images, want, { atol: 0 });
      expect([...(await labels!.data())]).toEqual([3, 0]);
      images.dispose();
      labels!.dispose();
    }
    expect((await stl10({ dir: root, split: 'test' })).size).toBe(2);
  });

  it('reads the unlabeled split from disk, runs of neighbours and scattered indices alike', async () => {
    const ds = await stl10({ dir: root, split: 'unlabeled' });
    expect(ds.size).toBe(5);
    expect(ds.numClasses).toBeUndefined();
    const order = [1, 2, 3, 0, 4, 4, 2];
    const { images, labels } = await ds.get(order);
    expect(labels).toBeUndefined();
    const want = new Float32Array(order.length * IMG);
    order.forEach((idx, i) => {
      want.set(toUnit(unlabeled.subarray(idx * IMG, (idx + 1) * IMG)), i * IMG);
    });
    expectClose(images, want, { atol: 0 });
    images.dispose();
  });
});

describe('stl10 errors', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'simclr-stl-bad-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports a truncated image file', async () => {
    await writeFile(join(dir, 'train_X.bin'), stl10Images(train, 3).subarray(0, 2 * IMG + 5));
    await expect(stl10({ dir })).rejects.toThrow(
      `${join(dir, 'train_X.bin')}: expected whole 27648-byte images (3×96×96), found 55301 bytes (2 images and 5 bytes over)`,
    );
  });

  it('reports a label file of the wrong length or with labels outside 1..10', async () => {
    await writeFile(join(dir, 'train_X.bin'), stl10Images(train, 3));
    await writeFile(join(dir, 'train_y.bin'), Uint8Array.of(1, 2));
    await expect(stl10({ dir })).rejects.toThrow(
      `${join(dir, 'train_y.bin')}: expected 3 label bytes, one per image, found 2`,
    );
    await writeFile(join(dir, 'train_y.bin'), Uint8Array.of(1, 2, 0));
    await expect(stl10({ dir })).rejects.toThrow(
      `${join(dir, 'train_y.bin')}: expected labels in 1..10, found 0 at index 2`,
    );
  });

  it('says where it looked', async () => {
    await expect(stl10({ dir, split: 'unlabeled' })).rejects.toThrow(
      `STL-10 (binary version): expected ${join(dir, 'unlabeled_X.bin')} or ${join(dir, 'stl10_binary', 'unlabeled_X.bin')}, found neither`,
    );
    await expect(stl10({ dir, split: 'extra' as never })).rejects.toThrow(
      'split must be one of "train", "test", "unlabeled", got "extra"',
    );
  });
});

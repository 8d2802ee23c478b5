import { join } from 'node:path';
import { assertOneOf } from '@simclr/core';
import { fromCifarBinary } from '../cifar.js';
import type { Dataset } from '../types.js';
import { readBytes, resolveDataDir } from './read-data-file.js';

/** Options of {@link cifar10}. */
export interface Cifar10Options {
  /**
   * The `cifar-10-batches-bin` folder of the binary version (`cifar-10-binary.tar.gz`), or a folder that
   * contains it. Required.
   */
  dir: string;
  /** `'train'`: `data_batch_1.bin` … `data_batch_5.bin` (50000 images); `'test'`: `test_batch.bin` (10000). Default `'train'`. */
  split?: 'train' | 'test';
}

/** Options of {@link cifar100}. */
export interface Cifar100Options {
  /**
   * The `cifar-100-binary` folder of the binary version (`cifar-100-binary.tar.gz`), or a folder that
   * contains it. Required.
   */
  dir: string;
  /** `'train'`: `train.bin` (50000 images); `'test'`: `test.bin` (10000). Default `'train'`. */
  split?: 'train' | 'test';
  /** The 100 fine classes or the 20 coarse superclasses. Default `'fine'`. */
  labels?: 'fine' | 'coarse';
}

/** CIFAR-10 (32×32 colour, 10 classes) from the binary version's files, held in memory as bytes. */
export async function cifar10(options: Cifar10Options): Promise<Dataset> {
  const { dir, split = 'train' } = options;
  assertOneOf(split, ['train', 'test'] as const, 'split');
  const names = split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const folder = await resolveDataDir(dir, 'cifar-10-batches-bin', names[0]!, 'CIFAR-10 (binary version)');
  // Read together, reported in file order: the first missing or unreadable file is the one named.
  const read = await Promise.allSettled(names.map((n) => readBytes(join(folder, n))));
  const failed = read.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const files = read.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof readBytes>>>).value);
  return fromCifarBinary(files, { variant: 'cifar10' });
}

/** CIFAR-100 (32×32 colour, 100 fine or 20 coarse classes) from the binary version's files. */
export async function cifar100(options: Cifar100Options): Promise<Dataset> {
  const { dir, split = 'train', labels = 'fine' } = options;
  assertOneOf(split, ['train', 'test'] as const, 'split');
  assertOneOf(labels, ['fine', 'coarse'] as const, 'labels');
  const name = `${split}.bin`;
  const folder = await resolveDataDir(dir, 'cifar-100-binary', name, 'CIFAR-100 (binary version)');
  return fromCifarBinary([await readBytes(join(folder, name))], { variant: 'cifar100', labels });
}

import { describeValue, SimclrError } from '@simclr/core';
import { fromIdx } from '../from-idx.js';
import {
  checkSplit,
  FASHION_MNIST,
  loadMnistFromUrl,
  MNIST,
  type MnistSplit,
  type MnistUrlOptions,
  type MnistVariant,
  mnistFileNames,
} from '../mnist.js';
import type { Dataset } from '../types.js';
import { findFile, readMaybeGzip } from './read-data-file.js';

/** Options of the folder-based {@link fashionMnist} and {@link mnist}. */
export interface MnistDirOptions {
  /**
   * The folder that holds the publisher's files, gzipped or not (`train-images-idx3-ubyte.gz` or
   * `train-images-idx3-ubyte`, …), e.g. `/usr/share/datasets/fashion-mnist`. Required.
   */
  dir: string;
  /** Which split. Default `'train'`. */
  split?: MnistSplit;
}

async function loadMnistFromDir(
  variant: MnistVariant,
  options: MnistDirOptions | MnistUrlOptions,
): Promise<Dataset> {
  if (typeof options === 'object' && options !== null && 'url' in options) {
    return loadMnistFromUrl(variant, options);
  }
  const { dir, split = 'train' } = (options ?? {}) as Partial<MnistDirOptions>;
  if (typeof dir !== 'string' || dir === '') {
    throw new SimclrError(
      `dir must be the path of the folder that holds the ${variant.title} files, got ${describeValue(dir)}`,
    );
  }
  checkSplit(split);
  const names = mnistFileNames(split);
  const [images, labels] = await Promise.all(
    [names.images, names.labels].map(async (name) =>
      readMaybeGzip(await findFile(dir, [`${name}.gz`, name], `${variant.title} ${split}`)),
    ),
  );
  return fromIdx(images!, labels!, { numClasses: 10, classNames: variant.classNames });
}

/**
 * Fashion-MNIST (60000 train / 10000 test 28×28 gray images, 10 classes) from a folder of the
 * publisher's IDX files, or from a URL like the browser version.
 */
export function fashionMnist(options: MnistDirOptions | MnistUrlOptions): Promise<Dataset> {
  return loadMnistFromDir(FASHION_MNIST, options);
}

/** MNIST (60000 train / 10000 test 28×28 gray digits) from a folder or a URL; see {@link fashionMnist}. */
export function mnist(options: MnistDirOptions | MnistUrlOptions): Promise<Dataset> {
  return loadMnistFromDir(MNIST, options);
}

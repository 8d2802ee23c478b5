import { assertOneOf, describeValue, SimclrError } from '@simclr/core';
import { FASHION_MNIST_CLASSES, MNIST_CLASSES } from './class-names.js';
import { fetchBytes } from './fetch-bytes.js';
import { fromIdx, type NamedBytes } from './from-idx.js';
import { gunzipWeb, isGzip } from './gzip.js';
import type { Dataset } from './types.js';

/** The splits of MNIST and Fashion-MNIST. */
export type MnistSplit = 'train' | 'test';

/** The publishers' file names of a split, without the `.gz` suffix. */
export function mnistFileNames(split: MnistSplit): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/** Which of the two IDX datasets; they share the format and the file names. */
export interface MnistVariant {
  title: string;
  classNames: readonly string[];
}

export const FASHION_MNIST: MnistVariant = { title: 'Fashion-MNIST', classNames: FASHION_MNIST_CLASSES };
export const MNIST: MnistVariant = { title: 'MNIST', classNames: MNIST_CLASSES };

/** Options of the URL-based {@link fashionMnist} and {@link mnist}. */
export interface MnistUrlOptions {
  /** The folder URL that holds the publisher's files (`train-images-idx3-ubyte.gz` …). Required. */
  url: string;
  /** Which split. Default `'train'`. */
  split?: MnistSplit;
  /** Fetch the `.gz` files (true) or the uncompressed ones (false). Default true. */
  compressed?: boolean;
  /** The `fetch` to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** Decompresses `file` when it is gzip data (by its magic number, not its name). */
async function maybeGunzip(file: NamedBytes): Promise<NamedBytes> {
  return isGzip(file.bytes) ? { name: file.name, bytes: await gunzipWeb(file.bytes, file.name) } : file;
}

/** Throws unless `split` is 'train' or 'test'. */
export function checkSplit(split: unknown): asserts split is MnistSplit {
  assertOneOf(split, ['train', 'test'] as const, 'split');
}

/** Loads an IDX dataset over HTTP; both files are fetched in parallel. */
export async function loadMnistFromUrl(variant: MnistVariant, options: MnistUrlOptions): Promise<Dataset> {
  const {
    url,
    split = 'train',
    compressed = true,
    fetch: fetchFn,
  } = (options ?? {}) as Partial<MnistUrlOptions>;
  if (typeof url !== 'string' || url === '') {
    throw new SimclrError(
      `url must be the URL of the folder that holds the ${variant.title} files, got ${describeValue(url)}`,
    );
  }
  checkSplit(split);
  // A relative URL resolves against the page, as fetch would resolve it.
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  let base: URL;
  try {
    base = new URL(url.endsWith('/') ? url : `${url}/`, page);
  } catch {
    throw new SimclrError(
      `url must be an absolute URL where there is no page to resolve it against, got ${describeValue(url)}`,
    );
  }
  const names = mnistFileNames(split);
  const suffix = compressed ? '.gz' : '';
  const [images, labels] = await Promise.all(
    [names.images, names.labels].map(async (name) => {
      const href = new URL(name + suffix, base).href;
      return maybeGunzip({ name: href, bytes: await fetchBytes(href, fetchFn) });
    }),
  );
  return fromIdx(images!, labels!, { numClasses: 10, classNames: variant.classNames });
}

/**
 * Fashion-MNIST (60000 train / 10000 test 28×28 gray images, 10 classes) from a URL. In Node,
 * `@simclr/data/node` has a `fashionMnist` that also reads a local folder.
 */
export function fashionMnist(options: MnistUrlOptions): Promise<Dataset> {
  return loadMnistFromUrl(FASHION_MNIST, options);
}

/** MNIST (60000 train / 10000 test 28×28 gray digits) from a URL; see {@link fashionMnist}. */
export function mnist(options: MnistUrlOptions): Promise<Dataset> {
  return loadMnistFromUrl(MNIST, options);
}

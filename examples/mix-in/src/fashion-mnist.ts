import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';

/** Reads a publisher's gzipped IDX file: the data after its big-endian header. */
async function readIdx(path: string): Promise<{ dims: number[]; data: Uint8Array }> {
  const bytes = gunzipSync(await readFile(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rank = bytes[3]!;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, data: bytes.subarray(4 + 4 * rank) };
}

/** The first `limit` images ([n, 28, 28, 1] in [0, 1]) and labels of a split: your own data loading. */
export async function loadSplit(
  dir: string,
  split: 'train' | 't10k',
  limit: number,
): Promise<{ images: tf.Tensor4D; labels: tf.Tensor1D }> {
  const images = await readIdx(join(dir, `${split}-images-idx3-ubyte.gz`));
  const labels = await readIdx(join(dir, `${split}-labels-idx1-ubyte.gz`));
  const n = Math.min(limit, images.dims[0]!);
  const pixels = Float32Array.from(images.data.subarray(0, n * 784), (v) => v / 255);
  return {
    images: tf.tensor4d(pixels, [n, 28, 28, 1]),
    labels: tf.tensor1d(Int32Array.from(labels.data.subarray(0, n)), 'int32'),
  };
}

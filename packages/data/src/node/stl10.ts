import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { assertOneOf, SimclrError } from '@simclr/core';
import { STL10_CLASSES } from '../class-names.js';
import { createDataset } from '../dataset.js';
import {
  decodeStl10Image,
  parseStl10Labels,
  STL10_IMAGE_BYTES,
  STL10_SIDE,
  stl10ImageCount,
} from '../stl10.js';
import type { Dataset } from '../types.js';
import { readBytes, resolveDataDir } from './read-data-file.js';

/** Options of {@link stl10}. */
export interface Stl10Options {
  /** The `stl10_binary` folder (from `stl10_binary.tar.gz`), or a folder that contains it. Required. */
  dir: string;
  /**
   * `'train'` (5000 labelled), `'test'` (8000 labelled) or `'unlabeled'` (100000, no labels).
   * Default `'train'`.
   */
  split?: 'train' | 'test' | 'unlabeled';
}

/** Consecutive runs of `indices` (in the given order) that lie next to each other in the file. */
function runs(indices: readonly number[]): { at: number; first: number; count: number }[] {
  const out: { at: number; first: number; count: number }[] = [];
  for (let i = 0; i < indices.length; i++) {
    const last = out[out.length - 1];
    if (last !== undefined && indices[i] === last.first + last.count) last.count++;
    else out.push({ at: i, first: indices[i]!, count: 1 });
  }
  return out;
}

/**
 * STL-10 (96×96 colour) from the binary version. Images stay on disk and each batch reads just its own
 * records, so memory does not grow with the split: the unlabeled split is 2.76 GB. Labels (a few KB)
 * are read up front.
 */
export async function stl10(options: Stl10Options): Promise<Dataset> {
  const { dir, split = 'train' } = options;
  assertOneOf(split, ['train', 'test', 'unlabeled'] as const, 'split');
  const imagesName = `${split}_X.bin`;
  const folder = await resolveDataDir(dir, 'stl10_binary', imagesName, 'STL-10 (binary version)');
  const path = join(folder, imagesName);
  const size = stl10ImageCount((await stat(path)).size, path);
  const labels =
    split === 'unlabeled'
      ? undefined
      : parseStl10Labels(await readBytes(join(folder, `${split}_y.bin`)), size);

  return createDataset({
    size,
    imageShape: [STL10_SIDE, STL10_SIDE, 3],
    async read(indices, out) {
      // Opened per batch, so a dataset holds no descriptor between batches and needs no close().
      const handle = await open(path, 'r');
      try {
        await Promise.all(
          runs(indices).map(async ({ at, first, count }) => {
            const buf = new Uint8Array(count * STL10_IMAGE_BYTES);
            let bytesRead = 0;
            while (bytesRead < buf.length) {
              const r = await handle.read(
                buf,
                bytesRead,
                buf.length - bytesRead,
                first * STL10_IMAGE_BYTES + bytesRead,
              );
              if (r.bytesRead === 0) break;
              bytesRead += r.bytesRead;
            }
            if (bytesRead !== buf.length) {
              throw new SimclrError(
                `${path}: expected ${buf.length} bytes for images ${first}…${first + count - 1}, found ${bytesRead} (the file shrank after loading)`,
              );
            }
            for (let k = 0; k < count; k++) {
              decodeStl10Image(buf, k * STL10_IMAGE_BYTES, out, (at + k) * STL10_IMAGE_BYTES);
            }
          }),
        );
      } finally {
        await handle.close();
      }
    },
    ...(labels !== undefined && { labels, numClasses: 10, classNames: STL10_CLASSES }),
  });
}

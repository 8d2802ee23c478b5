import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type Rng, SimclrError } from '@simclr/core';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, fromCifarBinary, fromIdx, fromStl10Binary, type NamedBytes } from '../src/index.js';
import { imageFolder } from '../src/node.js';
import { cifarRecords, idxFile, randomBytes, stl10Images } from './helpers/formats.js';

/** A damaged copy of `bytes`: cut short, or 1–3 bytes changed, the header more often than the rest. */
function damage(bytes: Uint8Array, rng: Rng, header: number): { bytes: Uint8Array; what: string } {
  if (rng.bernoulli(0.4)) {
    const length = rng.int(bytes.length);
    return { bytes: bytes.slice(0, length), what: `cut to ${length} of ${bytes.length} bytes` };
  }
  const out = bytes.slice();
  const at: number[] = [];
  for (let k = 0, n = 1 + rng.int(3); k < n; k++) {
    const i = rng.bernoulli(0.5) ? rng.int(Math.min(header, bytes.length)) : rng.int(bytes.length);
    out[i] = out[i]! ^ (1 + rng.int(255));
    at.push(i);
  }
  return { bytes: out, what: `bytes ${at.join(', ')} changed` };
}

interface Loaded {
  size: number;
  images: Float32Array;
  labels: Int32Array | null;
  numClasses: number | undefined;
}

async function readAll(ds: Dataset): Promise<Loaded> {
  const { images, labels } = await ds.get(Array.from({ length: ds.size }, (_, i) => i));
  const out = {
    size: ds.size,
    images: images.dataSync() as Float32Array,
    labels: labels ? (labels.dataSync() as Int32Array) : null,
    numClasses: ds.numClasses,
  };
  tf.dispose([images, labels!].filter(Boolean));
  return out;
}

/** At most `ms` for one load: a damaged file must never make a loader hang. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)),
  ]);
}

/**
 * Loads every damaged file: each must either fail with a SimclrError, or give data consistent with its
 * bytes: no more images than the intact file, every label in range, and every image either the intact
 * one or one whose bytes were changed.
 */
async function fuzz(
  name: string,
  intact: Loaded,
  makeDamaged: (rng: Rng) => { load: () => Promise<Dataset>; what: string },
  cases: number,
): Promise<{ refused: number; loaded: number }> {
  const rng = createRng(name.length * 7919);
  let refused = 0;
  let loaded = 0;
  const perImage = intact.images.length / intact.size;
  for (let k = 0; k < cases; k++) {
    const { load, what } = makeDamaged(rng);
    let result: Loaded;
    try {
      // A damaged header can declare a large image (a few hundred megapixels), which takes seconds.
      result = await within(30_000, load().then(readAll));
    } catch (err) {
      if (!(err instanceof SimclrError)) {
        throw new Error(`${name}, ${what}: expected a SimclrError, got ${(err as Error).stack}`);
      }
      expect((err as Error).message.length, `${name}, ${what}`).toBeGreaterThan(10);
      refused++;
      continue;
    }
    loaded++;
    const label = `${name}, ${what}`;
    expect(result.size, label).toBeLessThanOrEqual(intact.size);
    expect(result.images.length, label).toBe(result.size * perImage);
    if (result.labels !== null) {
      const bad = result.labels.find((l) => !(l >= 0 && l < result.numClasses!));
      expect(bad, `${label}: a label out of range`).toBeUndefined();
    }
    expect(
      result.images.every((v) => v >= 0 && v <= 1),
      label,
    ).toBe(true);
  }
  return { refused, loaded };
}

describe('loaders on damaged files: a SimclrError or consistent data, never a hang or a raw error', () => {
  const n = 6;
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('IDX (MNIST, Fashion-MNIST), 150 damaged image and label files', async () => {
    const pixels = randomBytes(n * 5 * 4, 3);
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const images: NamedBytes = { name: 'images.idx', bytes: idxFile([n, 5, 4], pixels) };
    const labelFile: NamedBytes = { name: 'labels.idx', bytes: idxFile([n], labels) };
    const intact = await readAll(fromIdx(images, labelFile));
    const r = await fuzz(
      'idx',
      intact,
      (rng) => {
        const which = rng.bernoulli(0.5);
        const d = damage(which ? images.bytes : labelFile.bytes, rng, 16);
        const changed = { name: which ? 'images.idx' : 'labels.idx', bytes: d.bytes };
        return {
          load: async () => (which ? fromIdx(changed, labelFile) : fromIdx(images, changed)),
          what: `${changed.name} ${d.what}`,
        };
      },
      150,
    );
    expect(r.refused).toBeGreaterThan(50);
  });

  it('CIFAR-10 and CIFAR-100 binaries, 150 damaged files', async () => {
    const pixels = randomBytes(n * 3072, 4);
    const ten: NamedBytes = {
      name: 'data_batch_1.bin',
      bytes: cifarRecords(
        pixels,
        Array.from({ length: n }, (_, i) => [i % 10]),
      ),
    };
    const hundred: NamedBytes = {
      name: 'train.bin',
      bytes: cifarRecords(
        pixels,
        Array.from({ length: n }, (_, i) => [i % 20, (i * 7) % 100]),
      ),
    };
    const intact = await readAll(fromCifarBinary([ten], { variant: 'cifar10' }));
    const r = await fuzz(
      'cifar',
      intact,
      (rng) => {
        const hundredth = rng.bernoulli(0.5);
        const file = hundredth ? hundred : ten;
        const d = damage(file.bytes, rng, 2);
        return {
          load: async () =>
            fromCifarBinary([{ name: file.name, bytes: d.bytes }], {
              variant: hundredth ? 'cifar100' : 'cifar10',
            }),
          what: `${file.name} ${d.what}`,
        };
      },
      150,
    );
    expect(r.refused).toBeGreaterThan(50);
  });

  it('STL-10 binaries, 100 damaged image and label files', async () => {
    const images: NamedBytes = { name: 'train_X.bin', bytes: stl10Images(randomBytes(3 * 27648, 5), 3) };
    const labels: NamedBytes = { name: 'train_y.bin', bytes: Uint8Array.from([1, 5, 10]) };
    const intact = await readAll(fromStl10Binary(images, labels));
    const r = await fuzz(
      'stl10',
      intact,
      (rng) => {
        const which = rng.bernoulli(0.5);
        const d = damage(which ? images.bytes : labels.bytes, rng, 3);
        const changed = { name: which ? images.name : labels.name, bytes: d.bytes };
        return {
          load: async () => (which ? fromStl10Binary(changed, labels) : fromStl10Binary(images, changed)),
          what: `${changed.name} ${d.what}`,
        };
      },
      100,
    );
    expect(r.refused).toBeGreaterThan(20);
  });

  describe('image files', () => {
    let dir = '';
    let intactPng: Uint8Array;
    let intactJpeg: Uint8Array;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'simclr-fuzz-'));
      const raw = randomBytes(12 * 10 * 3, 6);
      intactPng = new Uint8Array(
        await sharp(raw, { raw: { width: 10, height: 12, channels: 3 } })
          .png()
          .toBuffer(),
      );
      intactJpeg = new Uint8Array(
        await sharp(raw, { raw: { width: 10, height: 12, channels: 3 } })
          .jpeg()
          .toBuffer(),
      );
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('PNG and JPEG, 100 damaged files, each loaded as a one-image folder', async () => {
      let k = 0;
      const load = async (bytes: Uint8Array, ext: string) => {
        const folder = join(dir, `case-${k++}`);
        await mkdir(folder);
        await writeFile(join(folder, `image${ext}`), bytes);
        return imageFolder({ dir: folder, size: 8 });
      };
      const intact = await readAll(await load(intactPng, '.png'));
      const r = await fuzz(
        'image files',
        intact,
        (rng) => {
          const jpeg = rng.bernoulli(0.5);
          const d = damage(jpeg ? intactJpeg : intactPng, rng, 40);
          return {
            load: () => load(d.bytes, jpeg ? '.jpg' : '.png'),
            what: `${jpeg ? 'JPEG' : 'PNG'} ${d.what}`,
          };
        },
        100,
      );
      expect(r.refused).toBeGreaterThan(20);
    });
  });
});

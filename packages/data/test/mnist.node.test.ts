import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SimclrError } from '@simclr/core';
import { describeBackends, expectClose } from '@simclr/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES } from '../src/index.js';
import { fashionMnist, mnist } from '../src/node.js';
import { idxFile, randomBytes, toUnit } from './helpers/formats.js';
import { file, serve } from './helpers/server.js';

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

const n = { train: 30, test: 10 };
const pixels = { train: randomBytes(n.train * 784, 11), test: randomBytes(n.test * 784, 12) };
const labels = {
  train: Uint8Array.from({ length: n.train }, (_, i) => i % 10),
  test: Uint8Array.from({ length: n.test }, (_, i) => 9 - i),
};
const files = {
  'train-images-idx3-ubyte': idxFile([n.train, 28, 28], pixels.train),
  'train-labels-idx1-ubyte': idxFile([n.train], labels.train),
  't10k-images-idx3-ubyte': idxFile([n.test, 28, 28], pixels.test),
  't10k-labels-idx1-ubyte': idxFile([n.test], labels.test),
};

let gzDir = '';
let rawDir = '';
beforeAll(async () => {
  gzDir = await mkdtemp(join(tmpdir(), 'simclr-mnist-gz-'));
  rawDir = await mkdtemp(join(tmpdir(), 'simclr-mnist-raw-'));
  for (const [name, bytes] of Object.entries(files)) {
    await writeFile(join(gzDir, `${name}.gz`), gzipSync(bytes));
    await writeFile(join(rawDir, name), bytes);
  }
});
afterAll(async () => {
  await rm(gzDir, { recursive: true, force: true });
  await rm(rawDir, { recursive: true, force: true });
});

describeBackends('fashionMnist / mnist (Node)', ['cpu', 'wasm', 'webgl'], () => {
  for (const split of ['train', 'test'] as const) {
    it(`reads the ${split} split from .gz and from raw files alike`, async () => {
      for (const dir of [gzDir, rawDir]) {
        const ds = await fashionMnist({ dir, split });
        expect(ds.size).toBe(n[split]);
        expect(ds.imageShape).toEqual([28, 28, 1]);
        expect(ds.numClasses).toBe(10);
        expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES);
        const { images, labels: y } = await ds.get([n[split] - 1, 0]);
        const want = new Float32Array(2 * 784);
        want.set(toUnit(pixels[split].subarray((n[split] - 1) * 784, n[split] * 784)), 0);
        want.set(toUnit(pixels[split].subarray(0, 784)), 784);
        expectClose(images, want, { atol: 0 });
        expect([...(await y!.data())]).toEqual([labels[split][n[split] - 1], labels[split][0]]);
        images.dispose();
        y!.dispose();
      }
    });
  }

  it('mnist has the digits as class names and defaults to the train split', async () => {
    const ds = await mnist({ dir: gzDir });
    expect(ds.size).toBe(n.train);
    expect(ds.classNames?.[7]).toBe('7');
  });

  it('fetches the publisher-named files from a URL, gzipped or not', async () => {
    const routes: Record<string, ReturnType<typeof file>> = {};
    for (const [name, bytes] of Object.entries(files)) {
      routes[`/fm/${name}.gz`] = file(gzipSync(bytes));
      routes[`/fm/${name}`] = file(bytes);
    }
    const server = await serve(routes);
    try {
      const gz = await fashionMnist({ url: `${server.url}fm`, split: 'test' });
      const raw = await fashionMnist({ url: `${server.url}fm/`, split: 'test', compressed: false });
      for (const ds of [gz, raw]) {
        expect(ds.size).toBe(n.test);
        const { images, labels: y } = await ds.get([3]);
        expectClose(images, toUnit(pixels.test.subarray(3 * 784, 4 * 784)), { atol: 0 });
        expect([...(await y!.data())]).toEqual([6]);
        images.dispose();
        y!.dispose();
      }
      const cut = gzipSync(files['train-images-idx3-ubyte']);
      routes['/cut/train-images-idx3-ubyte.gz'] = file(cut.subarray(0, cut.length - 40));
      routes['/cut/train-labels-idx1-ubyte.gz'] = file(gzipSync(files['train-labels-idx1-ubyte']));
      await expect(fashionMnist({ url: `${server.url}cut` })).rejects.toThrow(
        `${server.url}cut/train-images-idx3-ubyte.gz: expected gzip data, found a truncated or corrupt stream`,
      );
      await expect(fashionMnist({ url: '/data/fashion-mnist' })).rejects.toThrow(
        'url must be an absolute URL where there is no page to resolve it against, got "/data/fashion-mnist"',
      );
      await expect(fashionMnist({ url: `${server.url}nowhere` })).rejects.toThrow(
        `${server.url}nowhere/train-images-idx3-ubyte.gz: expected HTTP 200, found HTTP 404 Not Found`,
      );
    } finally {
      await server.close();
    }
  });
});

it('names the file when a .gz is truncated', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'simclr-mnist-bad-'));
  try {
    const gz = gzipSync(files['t10k-images-idx3-ubyte']);
    await writeFile(join(dir, 't10k-images-idx3-ubyte.gz'), gz.subarray(0, gz.length >> 1));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(files['t10k-labels-idx1-ubyte']));
    const err = await fashionMnist({ dir, split: 'test' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimclrError);
    expect((err as Error).message).toMatch(
      /t10k-images-idx3-ubyte\.gz: expected gzip data, found a truncated or corrupt stream \(unexpected end of file\)$/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('names the file when the data inside the .gz is truncated or has a wrong magic number', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'simclr-mnist-bad-'));
  try {
    const images = files['train-images-idx3-ubyte'];
    await writeFile(
      join(dir, 'train-images-idx3-ubyte.gz'),
      gzipSync(images.subarray(0, images.length - 100)),
    );
    await writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(files['train-labels-idx1-ubyte']));
    await expect(fashionMnist({ dir })).rejects.toThrow(
      `${join(dir, 'train-images-idx3-ubyte.gz')}: expected 23520 bytes of data after the 16-byte header (30×28×28), found 23420 (the file is truncated)`,
    );
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images));
    await writeFile(
      join(dir, 'train-labels-idx1-ubyte.gz'),
      gzipSync(idxFile([n.train], labels.train, 0x0801_0000)),
    );
    await expect(fashionMnist({ dir })).rejects.toThrow(
      `${join(dir, 'train-labels-idx1-ubyte.gz')}: expected IDX magic number 0x00000801 (unsigned bytes, 1 dimension), found 0x08010000`,
    );
    const bad = Uint8Array.from(labels.train);
    bad[4] = 10;
    await writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxFile([n.train], bad)));
    await expect(fashionMnist({ dir })).rejects.toThrow('expected labels in 0..9, found 10 at index 4');
    await rm(join(dir, 'train-labels-idx1-ubyte.gz'));
    await expect(fashionMnist({ dir })).rejects.toThrow(
      `Fashion-MNIST train: expected ${join(dir, 'train-labels-idx1-ubyte.gz')} or ${join(dir, 'train-labels-idx1-ubyte')}, found neither`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('checks its options', async () => {
  await expect(fashionMnist({ dir: gzDir, split: 'val' as never })).rejects.toThrow(
    `split must be one of "train", "test", got "val"`,
  );
  await expect(fashionMnist({} as never)).rejects.toThrow(
    'dir must be the path of the folder that holds the Fashion-MNIST files, got undefined',
  );
});

describeBackends('Fashion-MNIST, the real files', ['cpu'], () => {
  it.runIf(existsSync(FASHION_DIR))('has 60000 / 10000 images with uniform labels', async ({ annotate }) => {
    for (const [split, size] of [
      ['train', 60000],
      ['test', 10000],
    ] as const) {
      const t0 = performance.now();
      const ds = await fashionMnist({ dir: FASHION_DIR, split });
      const ms = performance.now() - t0;
      expect(ds.size).toBe(size);
      expect(ds.imageShape).toEqual([28, 28, 1]);
      const histogram = new Array<number>(10).fill(0);
      let seen = 0;
      for await (const { images, labels: y } of ds.batches({ batchSize: 4096, dropLast: false })) {
        seen += images.shape[0];
        for (const l of await y!.data()) histogram[l]!++;
        images.dispose();
        y!.dispose();
      }
      expect(seen).toBe(size);
      expect(histogram).toEqual(new Array(10).fill(size / 10));
      // The first image, straight from the file, as the loader must give it.
      const prefix = split === 'train' ? 'train' : 't10k';
      const raw = gunzipSync(await readFile(join(FASHION_DIR, `${prefix}-images-idx3-ubyte.gz`)));
      const first = await ds.get([0]);
      expectClose(first.images, toUnit(raw.subarray(16, 16 + 784)), { atol: 0 });
      first.images.dispose();
      first.labels!.dispose();
      await annotate(`${split}: loaded in ${ms.toFixed(0)} ms; label histogram ${histogram.join(' ')}`);
    }
  });
});

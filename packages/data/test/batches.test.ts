import { createRng, SimclrError } from '@simclr/core';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createDataset, type Dataset, fromTensors } from '../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 103 images whose only pixel value and label are both the image's index. */
async function indexed(size = 103): Promise<Dataset> {
  const images = tf.tensor4d(
    Int32Array.from({ length: size }, (_, i) => i),
    [size, 1, 1, 1],
    'int32',
  );
  const labels = Int32Array.from({ length: size }, (_, i) => i);
  const ds = await fromTensors(images, labels);
  images.dispose();
  return ds;
}

/** A dataset whose reads take `delayMs` and log when they start and end. */
function slowDataset(log: string[], delayMs: number, size = 8): Dataset {
  return createDataset({
    size,
    imageShape: [2, 2, 1],
    async read(indices, out) {
      const b = indices[0]! / 2;
      log.push(`start ${b}`);
      await sleep(delayMs);
      out.fill(b / 255);
      log.push(`ready ${b}`);
    },
  });
}

describeBackends('batches', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('visits every index exactly once per epoch with dropLast = false, labels matching images', async () => {
    const ds = await indexed();
    const rng = createRng(7);
    const epochs: number[][] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const seen: number[] = [];
      const sizes: number[] = [];
      for await (const { images, labels } of ds.batches({
        batchSize: 10,
        shuffle: true,
        rng,
        dropLast: false,
      })) {
        const ids = [...(await labels!.data())];
        const pixels = [...(await images.data())].map((v) => Math.round(v * 255));
        expect(pixels).toEqual(ids);
        seen.push(...ids);
        sizes.push(ids.length);
        images.dispose();
        labels!.dispose();
      }
      expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
      epochs.push(seen);
    }
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[0]).not.toEqual([...epochs[0]!].sort((a, b) => a - b));
  });

  it('drops the short last batch by default, keeps index order without shuffle', async () => {
    const ds = await indexed();
    const seen: number[] = [];
    for await (const { images, labels } of ds.batches({ batchSize: 25 })) {
      expect(images.shape[0]).toBe(25);
      seen.push(...(await labels!.data()));
      tf.dispose([images, labels!]);
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('gives the same order for the same seed', async () => {
    const ds = await indexed(40);
    const order = async (seed: number) => {
      const out: number[] = [];
      for await (const b of ds.batches({ batchSize: 8, shuffle: true, rng: createRng(seed) })) {
        out.push(...(await b.labels!.data()));
        tf.dispose([b.images, b.labels!]);
      }
      return out;
    };
    expect(await order(3)).toEqual(await order(3));
    expect(await order(3)).not.toEqual(await order(4));
  });

  it('startBatch resumes an epoch: same order, earlier batches never read', async () => {
    const ds = await indexed(40);
    const labelsOf = async (startBatch: number) => {
      const out: number[] = [];
      for await (const b of ds.batches({ batchSize: 8, shuffle: true, rng: createRng(5), startBatch })) {
        out.push(...(await b.labels!.data()));
        tf.dispose([b.images, b.labels!]);
      }
      return out;
    };
    const full = await labelsOf(0);
    expect(await labelsOf(3)).toEqual(full.slice(24));
    expect(await labelsOf(5)).toEqual([]);
    const log: string[] = [];
    for await (const b of slowDataset(log, 0).batches({ batchSize: 2, startBatch: 2 })) tf.dispose(b.images);
    expect(log.filter((e) => e.startsWith('start'))).toEqual(['start 2', 'start 3']);
    expect(() => ds.batches({ batchSize: 8, startBatch: 6 })).toThrow(
      'startBatch must be an integer >= 0 and <= 5, got 6',
    );
  });

  it('prepares the next batches while a slow consumer holds the current one', async ({ annotate }) => {
    const log: string[] = [];
    const ds = slowDataset(log, 20);
    let waited = 0;
    let asked = performance.now();
    let b = 0;
    for await (const batch of ds.batches({ batchSize: 2, prefetch: 2 })) {
      waited += performance.now() - asked;
      log.push(`use ${b}`);
      await sleep(60);
      batch.images.dispose();
      log.push(`done ${b}`);
      asked = performance.now();
      b++;
    }
    const at = (event: string) => log.indexOf(event);
    for (let i = 0; i < 3; i++) {
      // Batch i+1 was ready before the consumer finished with batch i, so asking for it did not wait.
      expect(at(`ready ${i + 1}`)).toBeLessThan(at(`done ${i}`));
    }
    // With prefetch 2, batch i+2 is already under way while batch i is in use, and never more.
    expect(at('start 2')).toBeLessThan(at('use 0'));
    expect(at('start 3')).toBeGreaterThan(at('use 0'));
    expect(at('start 3')).toBeLessThan(at('use 1'));
    await annotate(
      `prefetch 2: consumer waited ${waited.toFixed(0)} ms over 4 batches (20 ms reads, 60 ms use)`,
    );
  });

  it('with prefetch 0 prepares each batch only when asked', async ({ annotate }) => {
    const log: string[] = [];
    const ds = slowDataset(log, 20);
    let waited = 0;
    let asked = performance.now();
    let b = 0;
    for await (const batch of ds.batches({ batchSize: 2, prefetch: 0 })) {
      waited += performance.now() - asked;
      await sleep(60);
      batch.images.dispose();
      log.push(`done ${b++}`);
      asked = performance.now();
    }
    for (let i = 0; i < 3; i++)
      expect(log.indexOf(`start ${i + 1}`)).toBeGreaterThan(log.indexOf(`done ${i}`));
    await annotate(
      `prefetch 0: consumer waited ${waited.toFixed(0)} ms over 4 batches (20 ms reads, 60 ms use)`,
    );
  });

  it('disposes the prepared batches when the loop stops early', async () => {
    const ds = await indexed(64);
    const before = tf.memory().numTensors;
    for await (const { images, labels } of ds.batches({ batchSize: 8, prefetch: 3 })) {
      tf.dispose([images, labels!]);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes a failing read on at its turn and disposes what was prepared after it', async () => {
    const log: string[] = [];
    const ds = createDataset({
      size: 10,
      imageShape: [1, 1, 1],
      async read(indices, out) {
        await sleep(1);
        if (indices[0] === 2) throw new SimclrError('disk on fire');
        out.fill(0);
        log.push(`read ${indices[0]}`);
      },
    });
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const { images } of ds.batches({ batchSize: 1, prefetch: 3 })) {
          got.push(images.shape[0]);
          images.dispose();
          await sleep(5);
        }
      })(),
    ).rejects.toThrow('disk on fire');
    expect(got).toEqual([1, 1]);
  });

  it('checks its options before the first batch', async () => {
    const ds = await indexed(10);
    expect(() => ds.batches({ batchSize: 0 })).toThrow('batchSize must be an integer >= 1, got 0');
    expect(() => ds.batches({ batchSize: 2, prefetch: -1 })).toThrow(
      'prefetch must be an integer >= 0, got -1',
    );
    expect(() => ds.batches({ batchSize: 2, shuffle: true })).toThrow(
      'rng must be an Rng (createRng(seed) from @simclr/core) when shuffle is true, got undefined',
    );
    expect(() => ds.batches({ batchSize: 2, dropLast: 1 as never })).toThrow(
      'dropLast must be true or false, got 1',
    );
  });

  it('createDataset wants one label per example and numClasses', () => {
    const source = { size: 3, imageShape: [1, 1, 1] as const, read: () => {} };
    expect(() => createDataset({ ...source, labels: [0, 1] })).toThrow(
      'an ImageSource with labels must give numClasses and one label per example (3), got numClasses undefined and 2 labels',
    );
    expect(() => createDataset({ ...source, labels: [0, 1], numClasses: 2 })).toThrow(SimclrError);
  });

  it('yields nothing when dropLast leaves no full batch', async () => {
    const ds = await indexed(5);
    let n = 0;
    for await (const b of ds.batches({ batchSize: 8 })) {
      n++;
      b.images.dispose();
    }
    expect(n).toBe(0);
  });
});

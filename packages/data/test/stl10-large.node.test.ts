import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@simclr/core';
import { describeBackends, expectClose } from '@simclr/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stl10 } from '../src/node.js';
import { randomBytes, stl10Images, toUnit } from './helpers/formats.js';

const IMG = 27648;
const N = 100_000;
// Images written into the otherwise sparse file; the rest read back as zeros.
const written = [0, 1, 31_337, N - 1];
const pixels = written.map((idx) => randomBytes(IMG, idx + 1));
let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'simclr-stl-100k-'));
  await mkdir(join(root, 'stl10_binary'));
  // Full size (2.76 GB) but sparse: only the written images take disk space.
  const fh = await open(join(root, 'stl10_binary', 'unlabeled_X.bin'), 'w');
  try {
    await fh.truncate(N * IMG);
    for (const [k, idx] of written.entries()) await fh.write(stl10Images(pixels[k]!, 1), 0, IMG, idx * IMG);
  } finally {
    await fh.close();
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

describeBackends('stl10 unlabeled, 100000 images', ['cpu'], () => {
  it('streams a 2.76 GB split without loading it', async ({ annotate }) => {
    const rssBefore = process.memoryUsage().rss;
    const ds = await stl10({ dir: root, split: 'unlabeled' });
    expect(ds.size).toBe(N);
    expect(ds.numClasses).toBeUndefined();

    const { images } = await ds.get([N - 1, 0, 31_337, 1, 2]);
    const want = new Float32Array(5 * IMG);
    [3, 0, 2, 1].forEach((k, i) => {
      want.set(toUnit(pixels[k]!), i * IMG);
    });
    expectClose(images, want, { atol: 0 });
    images.dispose();

    let peak = process.memoryUsage().rss;
    let batches = 0;
    for await (const batch of ds.batches({ batchSize: 256, shuffle: true, rng: createRng(1), prefetch: 2 })) {
      batch.images.dispose();
      peak = Math.max(peak, process.memoryUsage().rss);
      if (++batches === 20) break;
    }
    const maxRss = process.resourceUsage().maxRSS * 1024;
    const mb = (b: number) => (b / 2 ** 20).toFixed(0);
    await annotate(
      `file ${mb(N * IMG)} MB; RSS before ${mb(rssBefore)} MB, sampled peak ${mb(peak)} MB, ` +
        `process max RSS ${mb(maxRss)} MB after ${batches} shuffled batches of 256`,
    );
    // Three batches in flight are ~250 MB of float32 at most; the file is ten times that.
    expect(peak - rssBefore).toBeLessThan(600 * 2 ** 20);
  });
});

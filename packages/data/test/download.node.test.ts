import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SimclrError } from '@simclr/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cifar10,
  type DownloadProgress,
  download,
  fashionMnist,
  REMOTE_FILES,
  type RemoteFile,
} from '../src/node.js';
import { cifarRecords, idxFile, randomBytes, tarArchive } from './helpers/formats.js';
import { file, type Handler, serve } from './helpers/server.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const remote = (fileName: string, body: Uint8Array, urls: string[] = [], archive = false): RemoteFile => ({
  fileName,
  urls,
  sha256: sha256(body),
  size: body.length,
  ...(archive && { archive: 'tar.gz' as const }),
});

// Fashion-MNIST in miniature: the publisher's four file names, gzipped IDX inside.
const idx = {
  'train-images-idx3-ubyte.gz': gzipSync(idxFile([20, 28, 28], randomBytes(20 * 784, 1))),
  'train-labels-idx1-ubyte.gz': gzipSync(
    idxFile(
      [20],
      Uint8Array.from({ length: 20 }, (_, i) => i % 10),
    ),
  ),
  't10k-images-idx3-ubyte.gz': gzipSync(idxFile([10, 28, 28], randomBytes(10 * 784, 2))),
  't10k-labels-idx1-ubyte.gz': gzipSync(
    idxFile(
      [10],
      Uint8Array.from({ length: 10 }, (_, i) => i),
    ),
  ),
};
const idxFiles = Object.entries(idx).map(([name, body]) => remote(name, body));

// CIFAR-10's archive in miniature, laid out as cifar-10-binary.tar.gz is.
const batch = (seed: number) => cifarRecords(randomBytes(2 * 3072, seed), [[seed % 10], [(seed + 1) % 10]]);
const cifarTarGz = gzipSync(
  tarArchive([
    ...[1, 2, 3, 4, 5].map((i) => ({ name: `cifar-10-batches-bin/data_batch_${i}.bin`, data: batch(i) })),
    { name: 'cifar-10-batches-bin/test_batch.bin', data: batch(9) },
    { name: 'cifar-10-batches-bin/batches.meta.txt', data: new TextEncoder().encode('airplane\n') },
  ]),
);

/** Sends the headers for the whole body, half of it, then drops the connection. */
const interrupted =
  (body: Uint8Array): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-length': body.length });
    res.write(body.subarray(0, body.length >> 1), () => res.destroy());
  };

let server: Awaited<ReturnType<typeof serve>>;
let cacheDir = '';
const routes: Record<string, Handler> = {};

beforeAll(async () => {
  for (const [name, body] of Object.entries(idx)) routes[`/fm/${name}`] = file(body);
  routes['/cifar/cifar-10-binary.tar.gz'] = file(cifarTarGz);
  server = await serve(routes);
});
afterAll(() => server.close());
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'simclr-cache-'));
  server.hits.length = 0;
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

/** The cache holds nothing: no dataset folder, no temporary folder, no partial file. */
async function expectEmptyCache(): Promise<void> {
  expect(await readdir(cacheDir, { recursive: true })).toEqual([]);
}

describe('download', () => {
  it('fetches, verifies and caches a dataset the loader then reads', async () => {
    const progress: DownloadProgress[] = [];
    const dir = await download('fashion-mnist', {
      cacheDir,
      mirror: `${server.url}fm`,
      files: idxFiles,
      onProgress: (p) => progress.push(p),
    });
    expect(dir).toBe(join(cacheDir, 'fashion-mnist'));
    expect((await readdir(dir)).sort()).toEqual(Object.keys(idx).sort());
    expect(await readdir(cacheDir)).toEqual(['fashion-mnist']);
    for (const [name, body] of Object.entries(idx))
      expect(sha256(await readFile(join(dir, name)))).toBe(sha256(body));
    const last = progress.filter((p) => p.fileName === 't10k-images-idx3-ubyte.gz').at(-1)!;
    expect(last).toMatchObject({
      dataset: 'fashion-mnist',
      receivedBytes: idx['t10k-images-idx3-ubyte.gz'].length,
    });
    expect(last.totalBytes).toBe(last.receivedBytes);

    const ds = await fashionMnist({ dir, split: 'test' });
    expect(ds.size).toBe(10);

    const hits = server.hits.length;
    expect(await download('fashion-mnist', { cacheDir, mirror: `${server.url}fm`, files: idxFiles })).toBe(
      dir,
    );
    expect(server.hits.length).toBe(hits);
  });

  it('unpacks archives and drops them', async () => {
    const dir = await download('cifar10', {
      cacheDir,
      files: [
        remote('cifar-10-binary.tar.gz', cifarTarGz, [`${server.url}cifar/cifar-10-binary.tar.gz`], true),
      ],
    });
    expect(await readdir(dir)).toEqual(['cifar-10-batches-bin']);
    const ds = await cifar10({ dir });
    expect(ds.size).toBe(10);
    expect((await cifar10({ dir, split: 'test' })).size).toBe(2);
  });

  // The checksums match (the listed files are these very archives), so only the unpacking can refuse them.
  const cifarTar = tarArchive([
    { name: 'cifar-10-batches-bin/data_batch_1.bin', data: batch(1) },
    { name: 'cifar-10-batches-bin/test_batch.bin', data: batch(9) },
  ]);
  it.each([
    {
      what: 'cut between two entries',
      tar: cifarTar.subarray(0, 512 + Math.ceil(batch(1).length / 512) * 512),
      says: 'expected more tar data, found the end of the archive (truncated)',
    },
    {
      what: 'with an entry outside its folder',
      tar: tarArchive([{ name: '../escaped.bin', data: batch(1) }]),
      says: `expected entries inside the archive's folder, found "../escaped.bin"`,
    },
  ])('refuses an archive $what, and keeps nothing', async ({ tar, says }) => {
    const body = gzipSync(tar);
    routes['/bad/cifar-10-binary.tar.gz'] = file(body);
    const err = await download('cifar10', {
      cacheDir,
      files: [remote('cifar-10-binary.tar.gz', body, [`${server.url}bad/cifar-10-binary.tar.gz`], true)],
    }).catch((e: unknown) => e);
    expect(SimclrError.is(err) && err.code).toBe('corrupt');
    expect((err as Error).message).toMatch(
      new RegExp(`^extractTarGz: .*cifar-10-binary\\.tar\\.gz: ${says.replace(/[()]/g, '\\$&')}$`),
    );
    await expectEmptyCache();
  });

  it('rejects a file whose checksum does not match, and keeps nothing', async () => {
    const bad = { ...idxFiles[1]!, sha256: 'f'.repeat(64) };
    const err = await download('fashion-mnist', {
      cacheDir,
      mirror: `${server.url}fm/`,
      files: [idxFiles[0]!, bad],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimclrError);
    expect((err as Error).message).toBe(
      `could not download train-labels-idx1-ubyte.gz for fashion-mnist: ${server.url}fm/train-labels-idx1-ubyte.gz: ` +
        `expected SHA-256 ${'f'.repeat(64)} (${bad.size} bytes), found ${idxFiles[1]!.sha256} (${bad.size} bytes); the file was discarded`,
    );
    await expectEmptyCache();
  });

  it('checks the publishers’ files against the built-in checksums', async () => {
    routes['/mirror/train-images-idx3-ubyte.gz'] = file(new TextEncoder().encode('not mnist'));
    const err = await download('mnist', { cacheDir, mirror: `${server.url}mirror` }).catch((e: unknown) => e);
    expect((err as Error).message).toContain(
      'expected SHA-256 440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609 (9912422 bytes), found',
    );
    expect(REMOTE_FILES.mnist[0]!.urls[0]).toBe(
      'http://yann.lecun.com/exdb/mnist/train-images-idx3-ubyte.gz',
    );
    await expectEmptyCache();
  });

  it('reports a server error, and keeps nothing', async () => {
    routes['/500/train-images-idx3-ubyte.gz'] = (_req, res) => res.writeHead(500).end('boom');
    await expect(
      download('fashion-mnist', { cacheDir, mirror: `${server.url}500`, files: idxFiles }),
    ).rejects.toThrow(
      `could not download train-images-idx3-ubyte.gz for fashion-mnist: ${server.url}500/train-images-idx3-ubyte.gz: ` +
        `${server.url}500/train-images-idx3-ubyte.gz answered HTTP 500 Internal Server Error`,
    );
    await expectEmptyCache();
  });

  it('reports an interrupted transfer, and keeps no partial file', async () => {
    const body = idx['train-images-idx3-ubyte.gz'];
    routes['/cut/train-labels-idx1-ubyte.gz'] = file(idx['train-labels-idx1-ubyte.gz']);
    routes['/cut/train-images-idx3-ubyte.gz'] = interrupted(body);
    const files = [idxFiles[1]!, idxFiles[0]!];
    const err = await download('fashion-mnist', { cacheDir, mirror: `${server.url}cut`, files }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SimclrError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^could not download train-images-idx3-ubyte.gz for fashion-mnist: .* broke off after \\d+ of ${body.length} bytes`,
      ),
    );
    await expectEmptyCache();
  });

  it('reports a refused connection', async () => {
    const closed = await serve({});
    await closed.close();
    const err = await download('fashion-mnist', { cacheDir, mirror: closed.url, files: idxFiles }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(
      /could not download train-images-idx3-ubyte.gz for fashion-mnist: .*ECONNREFUSED/,
    );
    await expectEmptyCache();
  });

  it('follows redirects up to a limit and tries the next URL when one fails', async () => {
    routes['/moved'] = (_req, res) =>
      res.writeHead(302, { location: '/fm/train-labels-idx1-ubyte.gz' }).end();
    routes['/loop'] = (_req, res) => res.writeHead(301, { location: `${server.url}loop` }).end();
    const labels = remote('train-labels-idx1-ubyte.gz', idx['train-labels-idx1-ubyte.gz'], [
      `${server.url}missing`,
      `${server.url}loop`,
      `${server.url}moved`,
    ]);
    const dir = await download('fashion-mnist', { cacheDir, files: [labels], maxRedirects: 3 });
    expect(await readdir(dir)).toEqual(['train-labels-idx1-ubyte.gz']);
    expect(server.hits).toEqual([
      '/missing',
      '/loop',
      '/loop',
      '/loop',
      '/loop',
      '/moved',
      '/fm/train-labels-idx1-ubyte.gz',
    ]);
    await rm(dir, { recursive: true });
    await expect(
      download('fashion-mnist', {
        cacheDir,
        files: [{ ...labels, urls: [`${server.url}loop`] }],
        maxRedirects: 2,
      }),
    ).rejects.toThrow(`${server.url}loop: more than 2 redirects`);
  });

  // Debian's dataset-fashion-mnist ships the publisher's .gz files with the file name and time stamp
  // dropped from the gzip header; the compressed data is untouched. Putting them back rebuilds the
  // publisher's bytes exactly, which checks the built-in sizes and SHA-256 sums against real files.
  const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
  const MTIMES: Record<string, number> = { train: 1504176606, t10k: 1504176627 };
  it.runIf(existsSync(FASHION_DIR))(
    'downloads the real Fashion-MNIST files against the built-in checksums',
    async () => {
      for (const remoteFile of REMOTE_FILES['fashion-mnist']) {
        const local = await readFile(join(FASHION_DIR, remoteFile.fileName));
        const name = new TextEncoder().encode(`${remoteFile.fileName.replace(/\.gz$/, '')}\0`);
        const header = Uint8Array.of(0x1f, 0x8b, 8, 8, 0, 0, 0, 0, local[8]!, local[9]!);
        new DataView(header.buffer).setUint32(
          4,
          MTIMES[remoteFile.fileName.startsWith('t10k') ? 't10k' : 'train']!,
          true,
        );
        routes[`/publisher/${remoteFile.fileName}`] = file(Buffer.concat([header, name, local.subarray(10)]));
      }
      const dir = await download('fashion-mnist', { cacheDir, mirror: `${server.url}publisher` });
      const ds = await fashionMnist({ dir });
      expect(ds.size).toBe(60000);
    },
  );

  it('checks its arguments', async () => {
    await expect(download('imagenet' as never, { cacheDir })).rejects.toThrow(
      'name must be one of "fashion-mnist", "mnist", "cifar10", "cifar100", "stl10", got "imagenet"',
    );
    await expect(download('mnist', {} as never)).rejects.toThrow(
      'cacheDir must be the path of a folder, got undefined',
    );
  });
});

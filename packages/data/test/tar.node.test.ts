import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractTarGz } from '../src/node/tar.js';
import { randomBytes, tarArchive } from './helpers/formats.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'simclr-tar-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function extract(tar: Uint8Array): Promise<string> {
  const archive = join(dir, 'a.tar.gz');
  await writeFile(archive, gzipSync(tar));
  const out = join(dir, 'out');
  await extractTarGz(archive, out);
  return out;
}

describe('extractTarGz', () => {
  it('unpacks files of any size into their folders', async () => {
    const big = randomBytes(70_000, 3);
    const out = await extract(
      tarArchive([
        { name: 'top/a.bin', data: big },
        { name: 'top/sub/empty', data: new Uint8Array(0) },
        { name: 'top/b.txt', data: new TextEncoder().encode('hello') },
      ]),
    );
    expect((await readdir(out, { recursive: true })).sort()).toEqual(
      ['top', 'top/a.bin', 'top/b.txt', 'top/sub', 'top/sub/empty'].sort(),
    );
    expect(new Uint8Array(await readFile(join(out, 'top/a.bin')))).toEqual(big);
    expect(await readFile(join(out, 'top/b.txt'), 'utf8')).toBe('hello');
  });

  it('refuses entries that would land outside the folder', async () => {
    await expect(extract(tarArchive([{ name: '../evil', data: Uint8Array.of(1) }]))).rejects.toThrow(
      `${join(dir, 'a.tar.gz')}: expected entries inside the archive's folder, found "../evil"`,
    );
  });

  it('reports a truncated archive and a corrupt header', async () => {
    const tar = tarArchive([{ name: 'x.bin', data: randomBytes(5000, 1) }]);
    await expect(extract(tar.subarray(0, 2048))).rejects.toThrow(
      `${join(dir, 'a.tar.gz')}: expected more tar data, found the end of the archive (truncated)`,
    );
    const corrupt = Uint8Array.from(tar);
    corrupt[10] = 0x41;
    await expect(extract(corrupt)).rejects.toThrow(
      'expected a tar header with a valid checksum, found a corrupt one',
    );
    const archive = join(dir, 'cut.tar.gz');
    await writeFile(archive, gzipSync(tar).subarray(0, 200));
    await expect(extractTarGz(archive, join(dir, 'o2'))).rejects.toThrow(
      `${archive}: could not unpack the archive (unexpected end of file)`,
    );
  });
});

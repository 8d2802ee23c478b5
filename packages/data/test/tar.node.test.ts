import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SimclrError } from '@simclr/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractTarGz } from '../src/node/tar.js';
import { concatBytes, randomBytes, tarArchive } from './helpers/formats.js';

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

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The rejection of `promise`, which must be a `SimclrError`. */
async function failure(promise: Promise<unknown>): Promise<SimclrError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(SimclrError.is(err), `expected a SimclrError, got ${String(err)}`).toBe(true);
  return err as SimclrError;
}

/** Every path under `root` (folders as 'dir', symlinks as 'link', files as their text). */
async function contents(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of (await readdir(root, { recursive: true })).sort()) {
    const st = await lstat(join(root, rel));
    out[rel] = st.isSymbolicLink()
      ? 'link'
      : st.isDirectory()
        ? 'dir'
        : await readFile(join(root, rel), 'latin1');
  }
  return out;
}

// ---- tar headers written byte by byte, so that the malicious and odd cases are exactly as stated ----

interface Head {
  name: string;
  /** Type flag; default '0'. */
  type?: string;
  size?: number;
  linkname?: string;
  prefix?: string;
  /** Magic: POSIX ustar (default), GNU, or none (v7). */
  format?: 'ustar' | 'gnu' | 'v7';
  /** The 12 bytes of the size field as they are, instead of octal `size`. */
  sizeField?: Uint8Array;
}

function header(h: Head): Uint8Array {
  const b = new Uint8Array(512);
  const put = (bytes: Uint8Array | string, at: number) =>
    b.set(typeof bytes === 'string' ? utf8(bytes) : bytes, at);
  put(h.name, 0);
  put('0000644\0', 100);
  put('0000000\0', 108);
  put('0000000\0', 116);
  put(h.sizeField ?? `${(h.size ?? 0).toString(8).padStart(11, '0')}\0`, 124);
  put('14540000000\0', 136);
  put(h.type ?? '0', 156);
  if (h.linkname !== undefined) put(h.linkname, 157);
  if ((h.format ?? 'ustar') === 'ustar') put('ustar\u000000', 257);
  if (h.format === 'gnu') put('ustar  \0', 257);
  if (h.prefix !== undefined) put(h.prefix, 345);
  put('        ', 148);
  const sum = b.reduce((a, v) => a + v, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return b;
}

/** A header, its data and the zero padding to a whole block. */
function entry(h: Head, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const pad = new Uint8Array((512 - (data.length % 512)) % 512);
  return concatBytes([header({ size: data.length, ...h }), data, pad]);
}

/** A pax extended header ('x', or 'g' for global) with the records given. */
function pax(records: Record<string, string>, type = 'x'): Uint8Array {
  const lines = Object.entries(records).map(([key, value]) => {
    const rest = ` ${key}=${value}\n`;
    let n = utf8(rest).length + 1;
    while (String(n).length + utf8(rest).length !== n) n++;
    return `${n}${rest}`;
  });
  return entry({ name: 'PaxHeaders/x', type }, utf8(lines.join('')));
}

/** A GNU long-name entry ('L') naming the entry after it. */
const longName = (name: string) =>
  entry({ name: '././@LongLink', type: 'L', format: 'gnu' }, utf8(`${name}\0`));

const END = new Uint8Array(1024);
const file = (name: string, text: string, h: Partial<Head> = {}) => entry({ name, ...h }, utf8(text));

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

  // GNU tar writes the archives, from files on disk; gzip is GNU tar's own (-z).
  const long = `top/${'n'.repeat(150)}.bin`; // one name longer than the 100-byte field: GNU 'L' or pax
  const split = `top/${'d'.repeat(80)}/${'f'.repeat(90)}.bin`; // fits ustar's prefix + name
  it.each([
    { format: 'gnu', names: [long, split], from: 'top' },
    { format: 'oldgnu', names: [long], from: 'top' },
    { format: 'posix', names: [long, split], from: 'top' },
    { format: 'ustar', names: [split], from: 'top' },
    { format: 'v7', names: ['top/v7.bin'], from: 'top' },
    { format: 'gnu', names: [long], from: '.' }, // members named ./top/…
  ])('unpacks what GNU tar writes: --format=$format, from $from', async ({ format, names, from }) => {
    const src = join(dir, 'src');
    const files: Record<string, Uint8Array> = {
      'top/a.bin': randomBytes(70_000, 5),
      'top/sub/empty': new Uint8Array(0),
      'top/b.txt': utf8('hello'),
      ...Object.fromEntries(names.map((n, i) => [n, randomBytes(700 + i, 6 + i)])),
    };
    for (const [name, data] of Object.entries(files)) {
      await mkdir(dirname(join(src, name)), { recursive: true });
      await writeFile(join(src, name), data);
    }
    await mkdir(join(src, 'top/empty-folder'));
    const archive = join(dir, 'gnu.tar.gz');
    execFileSync('tar', ['-czf', archive, `--format=${format}`, '-C', src, from], {
      env: { ...process.env, LC_ALL: 'C' },
    });
    const out = join(dir, 'out');
    await extractTarGz(archive, out);
    expect(await contents(out)).toEqual(await contents(src));
  });

  it.each([
    {
      what: 'v7 header (no magic), old regular-file type NUL',
      tar: [file('v7.txt', 'seven', { format: 'v7', type: '\0' })],
      want: { 'v7.txt': 'seven' },
    },
    {
      what: 'contiguous file (type 7)',
      tar: [file('c.txt', 'contig', { type: '7' })],
      want: { 'c.txt': 'contig' },
    },
    {
      what: 'base-256 size field',
      tar: [
        entry(
          { name: 'b256.txt', sizeField: Uint8Array.of(0x80, ...new Array(10).fill(0), 4) },
          utf8('abcd'),
        ),
      ],
      want: { 'b256.txt': 'abcd' },
    },
    {
      what: 'ustar prefix field',
      tar: [file('name.txt', 'pre', { prefix: 'some/prefix' })],
      want: { some: 'dir', 'some/prefix': 'dir', 'some/prefix/name.txt': 'pre' },
    },
    {
      what: 'old-style folder (type 0, name ending in /)',
      tar: [entry({ name: 'f/' }), file('f/x.txt', 'x')],
      want: { f: 'dir', 'f/x.txt': 'x' },
    },
    {
      what: 'pax path and size over the ustar fields',
      tar: [pax({ path: 'pax/long.txt', size: '3' }), entry({ name: 'short', size: 9 }, utf8('pax'))],
      want: { pax: 'dir', 'pax/long.txt': 'pax' },
    },
    {
      what: 'pax global header, ignored',
      tar: [pax({ comment: 'hello' }, 'g'), file('g.txt', 'g')],
      want: { 'g.txt': 'g' },
    },
    {
      what: 'GNU long name',
      tar: [longName('l'.repeat(120)), file('cut', 'L')],
      want: { ['l'.repeat(120)]: 'L' },
    },
    {
      what: 'a duplicate entry, the later one wins',
      tar: [file('d.txt', 'one'), file('d.txt', 'two')],
      want: { 'd.txt': 'two' },
    },
    {
      what: 'a single zero block as the end',
      tar: [file('z.txt', 'z'), new Uint8Array(512)],
      end: false,
      want: { 'z.txt': 'z' },
    },
    {
      what: 'a folder whose size field is not zero',
      tar: [entry({ name: 'd', type: '5', size: 600 }), file('d/x.txt', 'x')],
      want: { d: 'dir', 'd/x.txt': 'x' },
    },
    { what: 'no entries at all', tar: [], want: undefined },
  ])('unpacks hand-written headers: $what', async ({ tar, want, end }) => {
    const out = join(dir, 'out');
    const archive = join(dir, 'h.tar.gz');
    await writeFile(archive, gzipSync(concatBytes([...tar, ...(end === false ? [] : [END])])));
    await extractTarGz(archive, out);
    if (want === undefined) expect(existsSync(out)).toBe(false);
    else expect(await contents(out)).toEqual(want);
  });

  // Links and devices are never made: their names stay free, so a later entry of the same name becomes
  // an ordinary folder inside the output, and nothing outside it is touched.
  it.each([
    { what: 'symlink to an absolute path outside', h: { type: '2', linkname: '<outside>' } },
    { what: 'symlink climbing out with ..', h: { type: '2', linkname: '../../outside' } },
    { what: 'symlink to a file inside', h: { type: '2', linkname: 'keep.txt' } },
    { what: 'hard link to an absolute path outside', h: { type: '1', linkname: '<outside>/target' } },
    { what: 'hard link climbing out with ..', h: { type: '1', linkname: '../outside/target' } },
    { what: 'hard link to a file inside', h: { type: '1', linkname: 'keep.txt' } },
    { what: 'character device', h: { type: '3' } },
    { what: 'block device', h: { type: '4' } },
    { what: 'fifo', h: { type: '6' } },
    { what: 'unknown type with data', h: { type: 'Z', size: 600 }, data: randomBytes(600, 2) },
  ])('skips a $what, and writes nothing outside', async ({ h, data }) => {
    const outside = join(dir, 'outside');
    await mkdir(outside);
    const out = join(dir, 'deep', 'out');
    const archive = join(dir, 'l.tar.gz');
    const linkname = h.linkname?.replace('<outside>', outside);
    const special = entry({ name: 'link', ...h, ...(linkname !== undefined && { linkname }) }, data);
    const tar = concatBytes([file('keep.txt', 'keep'), special, file('link/through.txt', 'through'), END]);
    await writeFile(archive, gzipSync(tar));
    await extractTarGz(archive, out);
    expect(await contents(out)).toEqual({ 'keep.txt': 'keep', link: 'dir', 'link/through.txt': 'through' });
    expect(await readdir(outside)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['deep', 'l.tar.gz', 'outside']);
  });

  it('skips the links and fifos GNU tar stores', async () => {
    const src = join(dir, 'src');
    const outside = join(dir, 'outside');
    await mkdir(join(src, 'top'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(src, 'top/real.txt'), 'real');
    await symlink(outside, join(src, 'top/abs'));
    await symlink('../../outside', join(src, 'top/rel'));
    await symlink('real.txt', join(src, 'top/inside'));
    execFileSync('mkfifo', [join(src, 'top/fifo')]);
    const archive = join(dir, 'links.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', src, 'top'], { env: { ...process.env, LC_ALL: 'C' } });
    const out = join(dir, 'deep', 'out');
    await extractTarGz(archive, out);
    expect(await contents(out)).toEqual({ top: 'dir', 'top/real.txt': 'real' });
    expect(await readdir(outside)).toEqual([]);
  });

  it.each([
    { what: 'a .. name', name: '../evil' },
    { what: 'a .. inside the name', name: 'a/../../evil' },
    // Inside the test's folder, where a failure would be seen and cleaned up.
    { what: 'an absolute name', name: '<dir>/evil' },
    { what: 'a folder entry', name: '../evil-folder/', make: (n: string) => [entry({ name: n, type: '5' })] },
    { what: 'the ustar prefix', name: '../evil', make: () => [file('evil', 'x', { prefix: '..' })] },
    {
      what: 'a GNU long name',
      name: `../${'e'.repeat(120)}`,
      make: (n: string) => [longName(n), file('benign', 'x')],
    },
    { what: 'a pax path', name: '../evil', make: (n: string) => [pax({ path: n }), file('benign', 'x')] },
    {
      what: 'an entry after good ones',
      name: '../evil',
      make: (n: string) => [file('ok.txt', 'ok'), file(n, 'x')],
    },
  ])('refuses an entry outside the folder through $what', async ({ name, make }) => {
    const archive = join(dir, 't.tar.gz');
    const n = name.replace('<dir>', dir);
    const entries = make === undefined ? [file(n, 'x')] : make(n);
    await writeFile(archive, gzipSync(concatBytes([...entries, END])));
    const err = await failure(extractTarGz(archive, join(dir, 'deep', 'out')));
    expect(err.code).toBe('corrupt');
    expect(err.message).toBe(
      `extractTarGz: ${archive}: expected entries inside the archive's folder, found "${n}"`,
    );
    const all = await readdir(dir, { recursive: true });
    expect(all.filter((p) => p.includes('evil'))).toEqual([]);
  });

  // A base archive with a pax-named file and a plain one, cut at every kind of place.
  const paxFile = concatBytes([
    pax({ path: `p/${'p'.repeat(150)}` }),
    entry({ name: 'p' }, randomBytes(700, 8)),
  ]);
  const plain = entry({ name: 'x.bin' }, randomBytes(5000, 9));
  const whole = concatBytes([paxFile, plain, END]);
  it.each([
    { what: 'nothing at all', at: 0 },
    { what: 'inside the first header', at: 100 },
    { what: 'inside the pax data', at: 512 + 50 },
    { what: 'between a pax header and its entry', at: 1024 },
    { what: 'inside the data', at: 1024 + 512 + 300 },
    { what: 'inside the padding', at: 1024 + 512 + 700 + 100 },
    { what: 'between two entries', at: paxFile.length },
    { what: 'after the last entry', at: paxFile.length + plain.length },
    { what: 'inside the end block', at: paxFile.length + plain.length + 100 },
  ])('reports an archive cut $what as truncated', async ({ at }) => {
    const archive = join(dir, 'cut.tar.gz');
    await writeFile(archive, gzipSync(whole.subarray(0, at)));
    const err = await failure(extractTarGz(archive, join(dir, 'out')));
    expect(err.code).toBe('corrupt');
    expect(err.message).toBe(
      `extractTarGz: ${archive}: expected more tar data, found the end of the archive (truncated)`,
    );
  });

  it('accepts the same archive whole', async () => {
    const out = await extract(whole);
    expect(Object.keys(await contents(out)).sort()).toEqual(['p', `p/${'p'.repeat(150)}`, 'x.bin']);
  });

  const tar = concatBytes([file('a.txt', 'a'), END]);
  const gz = gzipSync(tar);
  const flipped = (bytes: Uint8Array, at: number) => {
    const copy = Uint8Array.from(bytes);
    copy[at < 0 ? copy.length + at : at]! ^= 0xff;
    return copy;
  };
  it.each([
    {
      what: 'a header checksum',
      gz: gzipSync(flipped(tar, 0)),
      says: 'expected a tar header with a valid checksum, found a corrupt one',
    },
    {
      what: 'a size that is no number',
      gz: gzipSync(concatBytes([entry({ name: 's', sizeField: utf8('zzzzzzzzzzz\0') }), END])),
      says: 'expected a valid tar archive, found a corrupt one (Invalid header)',
    },
    {
      what: 'an entry after the end block, with no end block of its own',
      gz: gzipSync(concatBytes([tar, file('late.txt', 'late')])),
      says: 'expected more tar data, found the end of the archive (truncated)',
    },
    {
      what: 'a pax header too large to be one',
      gz: gzipSync(concatBytes([header({ name: 'x', type: 'x', size: 5 << 20 }), END])),
      says: 'expected a valid tar archive, found a corrupt one (Header exceeds max size)',
    },
    {
      what: 'a file entry without a name',
      gz: gzipSync(concatBytes([file('./', 'x', { type: '7' }), END])),
      says: 'expected a file name for a file entry, found "./"',
    },
    {
      what: 'a gzip stream cut short',
      gz: gz.subarray(0, gz.length - 4),
      says: 'could not unpack the archive (unexpected end of file)',
    },
    { what: 'no gzip at all', gz: tar, says: 'could not unpack the archive (incorrect header check)' },
    { what: 'a gzip CRC', gz: flipped(gz, -8), says: 'could not unpack the archive (incorrect data check)' },
  ])('reports $what as corrupt', async ({ gz, says }) => {
    const archive = join(dir, 'bad.tar.gz');
    await writeFile(archive, gz);
    const err = await failure(extractTarGz(archive, join(dir, 'out')));
    expect(err.code).toBe('corrupt');
    expect(err.message).toBe(`extractTarGz: ${archive}: ${says}`);
  });

  it.each([
    {
      what: 'a missing archive',
      setup: async () => join(dir, 'missing.tar.gz'),
      says: (a: string) => `extractTarGz: cannot read the archive ${a}: it does not exist (ENOENT)`,
    },
    {
      what: 'an archive that is a folder',
      setup: async () => {
        await mkdir(join(dir, 'folder.tar.gz'));
        return join(dir, 'folder.tar.gz');
      },
      says: (a: string) => `extractTarGz: cannot read the archive ${a}: it is a directory (EISDIR)`,
    },
    {
      what: 'an output folder below a file',
      setup: async () => {
        await writeFile(join(dir, 'blocker'), 'x');
        return join(dir, 'ok.tar.gz');
      },
      out: 'blocker/out',
      says: (a: string) =>
        `extractTarGz: ${a}: cannot create the folder ${join(dir, 'blocker/out')}: a part of the path is a file, not a directory (ENOTDIR)`,
    },
    {
      what: 'a file where the archive wants a folder',
      setup: async () => {
        const a = join(dir, 'clash.tar.gz');
        await writeFile(a, gzipSync(concatBytes([file('f', 'file'), file('f/g', 'below'), END])));
        return a;
      },
      says: (a: string) =>
        `extractTarGz: ${a}: cannot create the folder ${join(dir, 'out/f')}: it already exists (EEXIST)`,
    },
  ])('reports $what as a file-system failure', async ({ setup, says, out }) => {
    await writeFile(join(dir, 'ok.tar.gz'), gzipSync(concatBytes([file('a.txt', 'a'), END])));
    const archive = await setup();
    const err = await failure(extractTarGz(archive, join(dir, out ?? 'out')));
    expect(err.code).toBe('io');
    expect(err.message).toBe(says(archive));
  });
});

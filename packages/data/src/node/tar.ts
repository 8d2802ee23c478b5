import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { SimclrError } from '@simclr/core';
import { ioError } from '@simclr/core/node';
import { extract, type Header } from 'tar-stream';

const BLOCK = 512;

/** Where an entry's data, padded to whole blocks, ends in the tar stream. */
function entryEnd(header: Header, offset: number): number {
  // tar-stream reads no data after a directory's header, whatever its size field says.
  const data = header.type === 'directory' ? 0 : Math.ceil(header.size / BLOCK) * BLOCK;
  return offset + BLOCK + data;
}

/**
 * Counts the bytes of the tar stream and remembers the last one that is not zero, so that the end can
 * be checked: the archive must close with an end-of-archive block (zeros) after its last entry.
 */
class TailWatch extends Transform {
  bytes = 0;
  lastNonZero = -1;

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null, data?: Buffer) => void,
  ): void {
    for (let i = chunk.length - 1; i >= 0; i--) {
      if (chunk[i] !== 0) {
        this.lastNonZero = this.bytes + i;
        break;
      }
    }
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/**
 * Unpacks the gzipped tar file `archive` into the folder `dest`. The tar stream is read by tar-stream
 * (ustar, GNU and pax headers, long names, base-256 sizes, header checksums); what reaches the disk is
 * decided here: regular files and folders only, each inside `dest` (links and devices are skipped, so
 * nothing can point or write outside it), with no modes or owners taken from the archive. A damaged
 * gzip stream, a bad header and an archive cut anywhere, even between two entries, fail with code
 * `'corrupt'`; file-system failures with code `'io'`, naming the path.
 */
export async function extractTarGz(archive: string, dest: string): Promise<void> {
  const where = `extractTarGz: ${archive}`;
  const corrupt = (expected: string, cause?: unknown) =>
    new SimclrError(`${where}: ${expected}`, { code: 'corrupt', ...(cause !== undefined && { cause }) });
  const truncated = (cause?: unknown) =>
    corrupt('expected more tar data, found the end of the archive (truncated)', cause);
  /** Runs one file-system step in `dest`, turning its failure into an `'io'` error naming the path. */
  const fsStep = async <T>(action: string, path: string, step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (err) {
      throw new SimclrError(`${where}: ${ioError(err, action, path).message}`, { cause: err, code: 'io' });
    }
  };

  const safePath = (name: string): string => {
    const rel = normalize(name);
    if (isAbsolute(name) || rel.split(sep).includes('..')) {
      throw corrupt(`expected entries inside the archive's folder, found "${name}"`);
    }
    return join(dest, rel);
  };

  const unpackEntry = async (header: Header, stream: AsyncIterable<unknown>): Promise<void> => {
    if (header.type === 'directory') {
      // No data to read: tar-stream hands a folder's entry an empty stream that never ends.
      const path = safePath(header.name);
      await fsStep('create the folder', path, () => mkdir(path, { recursive: true }));
      return;
    }
    if (header.type === 'file' && header.name.endsWith('/')) {
      // An old-style folder: a regular-file type with a name that ends in '/'.
      const path = safePath(header.name);
      await fsStep('create the folder', path, () => mkdir(path, { recursive: true }));
    } else if (header.type === 'file' || header.type === 'contiguous-file') {
      const path = safePath(header.name);
      if (header.name.endsWith('/') || resolve(path) === resolve(dest)) {
        throw corrupt(`expected a file name for a file entry, found "${header.name}"`);
      }
      await fsStep('create the folder', dirname(path), () => mkdir(dirname(path), { recursive: true }));
      const file: FileHandle = await fsStep('create', path, () => open(path, 'w'));
      try {
        for await (const chunk of stream) await fsStep('write', path, () => file.write(chunk as Uint8Array));
      } catch (err) {
        await file.close().catch(() => undefined);
        throw err;
      }
      await fsStep('write', path, () => file.close());
      return;
    }
    // Links, devices, fifos and unknown kinds are skipped: their data is read past, nothing is made.
    for await (const _ of stream);
  };

  const readError = (err: unknown) =>
    new SimclrError(`extractTarGz: ${ioError(err, 'read the archive', archive).message}`, {
      cause: err,
      code: 'io',
    });
  let source: FileHandle;
  try {
    source = await open(archive, 'r');
  } catch (err) {
    throw readError(err);
  }
  const watch = new TailWatch();
  // v7 archives (no ustar magic) are read as before; the bundled types do not list this option.
  const tar = extract({ allowUnknownFormat: true } as Parameters<typeof extract>[0]);
  let end = 0;
  let unpacking: Promise<void> = Promise.resolve();
  tar.on('entry', (header, stream, next) => {
    // The entry's errors also reach the pipeline through `tar`; this keeps them from going unhandled.
    stream.on('error', () => undefined);
    end = entryEnd(header, stream.offset);
    unpacking = unpackEntry(header, stream).then(
      () => next(),
      (err: unknown) => next(err as Error),
    );
  });
  try {
    await pipeline(source.createReadStream(), createGunzip(), watch, tar);
  } catch (err) {
    await unpacking; // the open file is closed before the caller may remove `dest`
    if (SimclrError.is(err)) throw err;
    const code = (err as { code?: unknown }).code;
    const message = (err as Error).message;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw corrupt(`could not unpack the archive (${message})`, err);
    }
    if (typeof (err as { syscall?: unknown }).syscall === 'string') throw readError(err);
    if (message.startsWith('Unexpected end of data')) throw truncated(err);
    if (message.startsWith('Invalid tar header. Maybe')) {
      throw corrupt('expected a tar header with a valid checksum, found a corrupt one', err);
    }
    throw corrupt(`expected a valid tar archive, found a corrupt one (${message})`, err);
  }
  // tar-stream accepts a stream that stops between two entries; an archive is whole only when a zero
  // block follows its last entry (and nothing but zeros comes after that).
  if (watch.bytes - end < BLOCK || watch.lastNonZero >= end) throw truncated();
}

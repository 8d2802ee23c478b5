import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { SimclrError } from '@simclr/core';

const BLOCK = 512;

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** A numeric header field: octal text, or big-endian binary when the top bit is set (GNU, > 8 GB). */
function number(header: Uint8Array, start: number, length: number): number {
  if ((header[start]! & 0x80) !== 0) {
    let v = header[start]! & 0x7f;
    for (let i = 1; i < length; i++) v = v * 256 + header[start + i]!;
    return v;
  }
  const text = field(header, start, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function checksumOk(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum === number(header, 148, 8);
}

/** `path` from a pax extended header body (`"<len> path=<value>\n"` records), if it has one. */
function paxPath(body: Uint8Array): string | undefined {
  for (const line of new TextDecoder().decode(body).split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Unpacks a ustar/GNU/pax tar stream into a folder: regular files and folders only (links and devices
 * are skipped), and no entry may land outside the folder.
 */
class TarExtractor extends Writable {
  private header = new Uint8Array(BLOCK);
  private headerFill = 0;
  private remaining = 0;
  private padding = 0;
  private out: FileHandle | undefined;
  private meta: Uint8Array[] | undefined;
  private metaKind = '';
  private nextName: string | undefined;
  private ended = false;

  constructor(
    private readonly dest: string,
    private readonly archive: string,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.consume(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.ended || (this.remaining === 0 && this.headerFill === 0 && this.out === undefined)) {
      callback();
    } else {
      callback(
        new SimclrError(`${this.archive}: expected more tar data, found the end of the archive (truncated)`),
      );
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const out = this.out;
    this.out = undefined;
    if (out === undefined) callback(error);
    else
      out.close().then(
        () => callback(error),
        () => callback(error),
      );
  }

  private async consume(chunk: Uint8Array): Promise<void> {
    let off = 0;
    while (off < chunk.length && !this.ended) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - off);
        const part = chunk.subarray(off, off + n);
        if (this.out !== undefined) await this.out.write(part);
        else this.meta?.push(part.slice());
        this.remaining -= n;
        off += n;
        if (this.remaining === 0) await this.endEntry();
      } else if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - off);
        this.padding -= n;
        off += n;
      } else {
        const n = Math.min(BLOCK - this.headerFill, chunk.length - off);
        this.header.set(chunk.subarray(off, off + n), this.headerFill);
        this.headerFill += n;
        off += n;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          await this.startEntry();
        }
      }
    }
  }

  private async startEntry(): Promise<void> {
    const h = this.header;
    if (h.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    if (!checksumOk(h)) {
      throw new SimclrError(
        `${this.archive}: expected a tar header with a valid checksum, found a corrupt one`,
      );
    }
    const size = number(h, 124, 12);
    const type = String.fromCharCode(h[156]!);
    const prefix = field(h, 257, 6) === 'ustar' ? field(h, 345, 155) : '';
    const name = this.nextName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'L' || type === 'x') {
      this.meta = [];
      this.metaKind = type;
    } else {
      this.nextName = undefined;
      this.meta = undefined;
      if (type === '0' || type === '\0' || type === '7' || type === '5') {
        const path = this.safePath(name);
        if (type === '5') await mkdir(path, { recursive: true });
        else {
          await mkdir(dirname(path), { recursive: true });
          this.out = await open(path, 'w');
        }
      }
    }
    if (size === 0) await this.endEntry();
  }

  private async endEntry(): Promise<void> {
    if (this.out !== undefined) {
      const out = this.out;
      this.out = undefined;
      await out.close();
    } else if (this.meta !== undefined) {
      const body = Buffer.concat(this.meta);
      this.meta = undefined;
      this.nextName = this.metaKind === 'L' ? field(body, 0, body.length) : (paxPath(body) ?? this.nextName);
    }
  }

  private safePath(name: string): string {
    const rel = normalize(name);
    if (isAbsolute(name) || rel.split(sep).includes('..')) {
      throw new SimclrError(`${this.archive}: expected entries inside the archive's folder, found "${name}"`);
    }
    return join(this.dest, rel);
  }
}

/** Unpacks the gzipped tar file `archive` into the folder `dest`. */
export async function extractTarGz(archive: string, dest: string): Promise<void> {
  try {
    await pipeline(createReadStream(archive), createGunzip(), new TarExtractor(dest, archive));
  } catch (err) {
    if (SimclrError.is(err)) throw err;
    throw new SimclrError(`${archive}: could not unpack the archive (${(err as Error).message})`, {
      cause: err,
    });
  }
}

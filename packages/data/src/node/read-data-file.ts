import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { describeValue, SimclrError } from '@simclr/core';
import type { NamedBytes } from '../from-idx.js';
import { isGzip } from '../gzip.js';

const gunzipAsync = promisify(gunzip);

/** Reads `path` whole; a missing or unreadable file becomes a `SimclrError` that names it. */
export async function readBytes(path: string): Promise<NamedBytes> {
  try {
    const buf = await readFile(path);
    return { name: path, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
  } catch (err) {
    throw new SimclrError(`${path}: could not read the file (${(err as Error).message})`, { cause: err });
  }
}

/** Reads `path` and decompresses it when it is gzip data (recognised by content, not by name). */
export async function readMaybeGzip(path: string): Promise<NamedBytes> {
  const file = await readBytes(path);
  if (!isGzip(file.bytes)) return file;
  try {
    const buf = await gunzipAsync(file.bytes);
    return { name: path, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
  } catch (err) {
    throw new SimclrError(
      `${path}: expected gzip data, found a truncated or corrupt stream (${(err as Error).message})`,
      { cause: err },
    );
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The first of `names` that exists in `dir`, or a `SimclrError` listing every path tried. */
export async function findFile(dir: string, names: readonly string[], what: string): Promise<string> {
  for (const name of names) {
    const path = join(dir, name);
    if (await exists(path)) return path;
  }
  throw new SimclrError(`${what}: expected ${names.map((n) => join(dir, n)).join(' or ')}, found neither`);
}

/**
 * The folder that holds a dataset's files: `dir` itself, or its sub-folder `nested` (the folder an
 * archive unpacks to, which `download` leaves inside the dataset's cache folder).
 */
export async function resolveDataDir(
  dir: unknown,
  nested: string,
  marker: string,
  what: string,
): Promise<string> {
  if (typeof dir !== 'string' || dir === '') {
    throw new SimclrError(`dir must be the path of the folder that holds ${what}, got ${describeValue(dir)}`);
  }
  if (await exists(join(dir, marker))) return dir;
  const inner = join(dir, nested);
  if (await exists(join(inner, marker))) return inner;
  throw new SimclrError(`${what}: expected ${join(dir, marker)} or ${join(inner, marker)}, found neither`);
}

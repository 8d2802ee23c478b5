import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SimclrError } from '@simclr/core';
import { ioError, syncDirectory, writeFileDurable } from '@simclr/core/node';

/** Name of the file that lists every other file of a directory with its size and SHA-256. */
export const MANIFEST_FILE = 'manifest.json';

interface ManifestEntry {
  size: number;
  sha256: string;
}

interface Manifest {
  format: 'simclr-checkpoint';
  version: 1;
  files: Record<string, ManifestEntry>;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Writes `files` (relative names, one level of sub-folders allowed) into `target` atomically: everything
 * goes to a temporary sibling directory, is fsynced, a manifest with sizes and SHA-256 sums is written
 * last, and the directory is renamed into place. A crash at any moment leaves either the complete
 * directory or none (plus a temporary one that {@link removeStaleTemporaries} clears).
 */
export async function writeDirAtomic(
  target: string,
  files: Record<string, Uint8Array | string>,
): Promise<void> {
  const parent = join(target, '..');
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(tmp, { recursive: true });
  } catch (err) {
    throw ioError(err, 'create the directory for', target);
  }
  try {
    const manifest: Manifest = { format: 'simclr-checkpoint', version: 1, files: {} };
    for (const [name, content] of Object.entries(files)) {
      if (name === MANIFEST_FILE || name.includes('..') || name.startsWith('/')) {
        throw new SimclrError(
          `checkpoint file name must be a relative path other than ${MANIFEST_FILE}, got "${name}"`,
        );
      }
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      const path = join(tmp, name);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFileDurable(path, bytes);
      manifest.files[name] = { size: bytes.byteLength, sha256: sha256(bytes) };
    }
    await writeFileDurable(join(tmp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await syncDirectory(tmp);
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
    await syncDirectory(parent);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw ioError(err, 'write', target);
  }
}

/**
 * Reads a directory written by {@link writeDirAtomic} and verifies every file against the manifest.
 * Throws `SimclrError` naming the file and the mismatch when anything is missing or altered.
 */
export async function readDirVerified(dir: string): Promise<Map<string, Uint8Array>> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch (err) {
    throw new SimclrError(`checkpoint ${dir} has no readable ${MANIFEST_FILE}: ${(err as Error).message}`, {
      cause: err,
      code: 'corrupt',
    });
  }
  if (
    manifest?.format !== 'simclr-checkpoint' ||
    manifest.version !== 1 ||
    typeof manifest.files !== 'object'
  ) {
    throw new SimclrError(
      `checkpoint ${dir}/${MANIFEST_FILE} must describe a simclr-checkpoint version 1, got ${JSON.stringify(manifest).slice(0, 80)}`,
      { code: 'corrupt' },
    );
  }
  const out = new Map<string, Uint8Array>();
  for (const [name, entry] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (err) {
      throw new SimclrError(`checkpoint file ${path} is missing: ${(err as Error).message}`, {
        cause: err,
        code: 'corrupt',
      });
    }
    if (bytes.byteLength !== entry.size) {
      throw new SimclrError(
        `checkpoint file ${path} must hold ${entry.size} bytes, found ${bytes.byteLength}`,
        { code: 'corrupt' },
      );
    }
    const sum = sha256(bytes);
    if (sum !== entry.sha256) {
      throw new SimclrError(`checkpoint file ${path} must have SHA-256 ${entry.sha256}, found ${sum}`, {
        code: 'corrupt',
      });
    }
    out.set(name, bytes);
  }
  return out;
}

/** Removes temporary directories left in `parent` by writers that crashed. */
export async function removeStaleTemporaries(parent: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((n) => /\.tmp-\d+-[0-9a-f]{8}$/.test(n))
      .map((n) => rm(join(parent, n), { recursive: true, force: true })),
  );
}

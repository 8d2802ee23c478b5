import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SimclrError } from '@simclr/core';
import { ioError } from '@simclr/core/node';

/**
 * Checks, before any work, that `dir` (and the sub-directories of it that exist among `inside`) can be
 * created or written, without writing anything: every existing part of the path must be a directory,
 * and the deepest existing one writable. Throws a `SimclrError` naming the flag, the path and the cause
 * (a file in the way, a read-only file system, no permission).
 */
export async function assertWritableDir(
  dir: string,
  flag: string,
  inside: readonly string[] = [],
): Promise<void> {
  const target = resolve(dir);
  let existing = target;
  for (;;) {
    try {
      const info = await stat(existing);
      if (!info.isDirectory()) {
        throw new SimclrError(`${flag} ${dir} cannot be written: ${existing} is a file, not a directory`);
      }
      break;
    } catch (err) {
      if (SimclrError.is(err)) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'ENOTDIR') {
        existing = dirname(existing);
        continue;
      }
      if (code !== 'ENOENT') throw ioError(err, `use ${flag}`, existing);
      if (dirname(existing) === existing) break;
      existing = dirname(existing);
    }
  }
  const checks = existing === target ? [target, ...inside.map((d) => join(target, d))] : [existing];
  for (const path of checks) {
    try {
      await access(path, constants.W_OK);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT' && path !== existing) continue;
      throw ioError(err, `write ${flag}`, path);
    }
  }
}

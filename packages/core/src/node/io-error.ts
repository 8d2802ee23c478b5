import { SimclrError } from '../errors.js';

/** What each errno of a failed file operation means, in words a user can act on. */
const CAUSES: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  ENOSPC: 'no space is left on the device',
  EDQUOT: 'the disk quota is exceeded',
  ENOENT: 'it does not exist',
  EEXIST: 'it already exists',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EIO: 'the device reported an input/output error',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * A failed file operation as a `SimclrError` that names the path and the real cause:
 * `cannot write checkpoint /runs/a/checkpoints/ckpt-000000020: no space is left on the device (ENOSPC)`.
 * A `SimclrError` passes through unchanged.
 *
 * @param action what was being done, e.g. `write checkpoint`, `read`.
 */
export function ioError(error: unknown, action: string, path: string): SimclrError {
  if (SimclrError.is(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const cause =
    typeof code === 'string' && code in CAUSES
      ? `${CAUSES[code]} (${code})`
      : ((error as Error | null)?.message ?? String(error));
  return new SimclrError(`cannot ${action} ${path}: ${cause}`, { cause: error, code: 'io' });
}

import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SimclrError } from '@simclr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SOURCE = fileURLToPath(new URL('../src/errors.ts', import.meta.url));

describe('SimclrError across two copies of @simclr/core in one process', () => {
  let dir = '';
  let Other: typeof SimclrError;
  beforeAll(async () => {
    // A second copy of the module, as a second installed @simclr/core would be: its own class.
    dir = await mkdtemp(join(tmpdir(), 'simclr-core-copy-'));
    await copyFile(SOURCE, join(dir, 'errors.ts'));
    Other = (
      (await import(pathToFileURL(join(dir, 'errors.ts')).href)) as { SimclrError: typeof SimclrError }
    ).SimclrError;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is recognised by SimclrError.is from either copy, where instanceof fails', () => {
    expect(Other).not.toBe(SimclrError);
    const theirs = new Other('from the other copy', { code: 'corrupt' });
    const ours = new SimclrError('from this copy');
    expect(theirs instanceof SimclrError).toBe(false);
    expect(SimclrError.is(theirs)).toBe(true);
    expect(Other.is(ours)).toBe(true);
    expect(theirs.code).toBe('corrupt');
    expect(ours.code).toBe('invalid-argument');
    expect(theirs.name).toBe('SimclrError');
  });

  it('is not fooled by other errors and values', () => {
    for (const value of [
      new Error('x'),
      new TypeError('y'),
      { name: 'SimclrError' },
      null,
      undefined,
      'SimclrError',
      3,
    ]) {
      expect(SimclrError.is(value)).toBe(false);
    }
  });

  it('keeps the cause', () => {
    const cause = new Error('ENOSPC');
    expect(new SimclrError('cannot write', { cause, code: 'io' }).cause).toBe(cause);
  });
});

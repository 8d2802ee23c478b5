import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');

it("the README's first example runs as written", async () => {
  const readme = await readFile(join(pkg, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  // Inside the package, so `@simclr/data` resolves to this package by its own name.
  const file = join(pkg, 'test', `.readme-example-${process.pid}.mts`);
  await writeFile(file, code);
  try {
    const tsx = resolve(pkg, '../../node_modules/.bin/tsx');
    const { stdout } = await promisify(execFile)(tsx, ['--conditions=source', file], { cwd: pkg });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe("256 [ 32, 32, 3 ] [ 'circle', 'square', 'triangle', 'cross', 'ring' ]");
    expect(lines.slice(1)).toEqual(new Array(4).fill('[ 64, 32, 32, 3 ] [ 64 ]'));
  } finally {
    await rm(file, { force: true });
  }
});

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');
const tsx = createRequire(import.meta.url).resolve('tsx');

/** Runs the `simclr` executable with `args`; resolves with its exit code and output. */
function simclr(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsx, '--conditions=source', BIN, ...args],
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

it('the simclr executable exits with 2 for a usage error and 1 for a failure', async () => {
  const [usage, failure] = await Promise.all([
    simclr('eval', 'linear'),
    simclr('eval', 'knn', '--checkpoint', dirname(BIN)),
  ]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/^simclr eval linear: --checkpoint DIR or --weights FILE is required/);
  expect(failure.code).toBe(1);
  expect(failure.stderr).toContain('holds no model');
});

it('`pnpm simclr` runs the command from the repository root, building what it needs', async () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const r = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile('pnpm', ['--silent', 'simclr', 'pretrain', '--help'], { cwd: root }, (error, stdout) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout });
    });
  });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Usage: simclr pretrain \[options\]/);
}, 300_000);

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'src', 'bin.ts');

let project = '';
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'simclr-readme-'));
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

it("the README's first example runs as written", async () => {
  const readme = await readFile(join(here, '..', 'README.md'), 'utf8');
  const script = /```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(script).toBeDefined();
  // `npx simclr` as in a project where @simclr/cli is installed: an `npx` first on the PATH that runs this
  // package's bin from source, and refuses anything else rather than reach for the registry.
  const shims = join(project, '.shims');
  await mkdir(shims);
  const tsx = createRequire(import.meta.url).resolve('tsx');
  await writeFile(
    join(shims, 'npx'),
    `#!/bin/sh\n[ "$1" = simclr ] || { echo "npx $1: not installed here" >&2; exit 127; }\nshift\nexec "${process.execPath}" --import "${tsx}" --conditions=source "${BIN}" "$@"\n`,
  );
  await chmod(join(shims, 'npx'), 0o755);
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script!], {
    cwd: project,
    env: { ...process.env, PATH: `${shims}:${process.env['PATH']}` },
  });
  expect(stdout).toContain('Commands:\n  pretrain');
  expect(stdout).toMatch(/status\s+completed/);
  expect(stdout).toMatch(/evaluation\s+kNN \(k 200, temperature 0\.1\)/);
  expect(stdout).toMatch(/top-1\s+\d+\.\d%/);
  expect(stdout).toContain(`wrote ${join(project, 'grid.png')}`);
  expect(existsSync(join(project, 'runs', 'shapes', 'eval-knn.json'))).toBe(true);
}, 180_000);

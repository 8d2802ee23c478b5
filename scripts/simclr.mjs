#!/usr/bin/env node
// `pnpm simclr …` from the repository root: builds the CLI and what it depends on (through turbo's cache,
// so only what changed), then runs it with the arguments given. The workspace's own bin link cannot do
// this, since pnpm links bins at install time, before `dist/bin.js` exists.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', '--filter=@simclr/cli...', '--output-logs=errors-only'],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);
if (build.status !== 0) {
  console.error('simclr: building the CLI failed (see above); run `pnpm build` for the whole log');
  process.exit(build.status ?? 1);
}
const cli = spawn(
  process.execPath,
  [join(root, 'packages', 'cli', 'dist', 'bin.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
// Ctrl-C and SIGTERM reach the CLI, which checkpoints and exits with 130 or 143.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => cli.kill(signal));
cli.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 143 : 130)));

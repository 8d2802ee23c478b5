import { spawn } from 'node:child_process';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The newest modification time of `path`, a file or a folder searched recursively (0 if missing). */
async function newest(path: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(
    entries.filter((name) => name !== 'node_modules').map((name) => newest(join(path, name))),
  );
  return Math.max(info.mtimeMs, ...times);
}

/** What the built app is made from: its own sources and the sources of the workspace packages it uses. */
async function inputs(appDir: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(appDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const packages = await Promise.all(
    Object.keys(manifest.dependencies ?? {})
      .filter((name) => name.startsWith('@simclr/'))
      .map((name) => realpath(join(appDir, 'node_modules', name))),
  );
  return [
    ...['src', 'plugins', 'index.html', 'vite.config.ts', 'package.json', '../quickstart/data'].map((p) =>
      join(appDir, p),
    ),
    ...packages.flatMap((dir) => [join(dir, 'src'), join(dir, 'package.json')]),
  ];
}

/**
 * Runs `vite build` in `appDir` unless `dist/index.html` is newer than every input. Returns whether it
 * built.
 */
export async function buildIfStale(appDir: string): Promise<boolean> {
  const builtAt = await newest(join(appDir, 'dist', 'index.html'));
  const changedAt = Math.max(...(await Promise.all((await inputs(appDir)).map(newest))));
  if (builtAt > changedAt) return false;
  const vite = join(appDir, 'node_modules', 'vite', 'bin', 'vite.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${output}`)),
    );
  });
  return true;
}

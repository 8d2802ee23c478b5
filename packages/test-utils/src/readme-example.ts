import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs the first ```ts block of `packageDir`/README.md as written, from inside the package (so the
 * package's own name resolves as it would in a user's install), and returns what it printed.
 */
export async function runReadmeExample(packageDir: string): Promise<string> {
  const readme = await readFile(join(packageDir, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (code === undefined) throw new Error(`${packageDir}/README.md has no ts example`);
  const file = join(packageDir, 'test', `.readme-example-${process.pid}.ts`);
  await writeFile(file, code);
  try {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', tsx, file],
      {
        cwd: join(packageDir, 'test'),
      },
    );
    return stdout;
  } finally {
    await rm(file, { force: true });
  }
}

import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

it("the README's first example runs as written", async () => {
  const readme = await readFile(join(here, '..', 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  // Inside the package, so `@simclr/models` resolves to itself as it would for a user's install.
  const file = join(here, `.readme-example-${process.pid}.ts`);
  await writeFile(file, code!);
  try {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', tsx, file],
      {
        cwd: here,
      },
    );
    expect(stdout).toBe('h [4,128], z [4,64], 65 trainable variables\n');
  } finally {
    await rm(file, { force: true });
  }
});

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
  // Inside the package, so `@simclr/eval` resolves to itself as it would for a user's install.
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
    const match =
      /^kNN top-1 (\d\.\d{3}), top-5 (\d\.\d{3})\nlinear top-1 (\d\.\d{3}) after \d+ L-BFGS iterations\n$/.exec(
        stdout,
      );
    expect(match, stdout).not.toBeNull();
    const [knnTop1, knnTop5, linearTop1] = match!.slice(1).map(Number);
    // Five shapes: pixels must do clearly better than chance (0.2) for the example to show anything.
    expect(knnTop1).toBeGreaterThan(0.3);
    expect(knnTop5).toBe(1);
    expect(linearTop1).toBeGreaterThan(0.3);
  } finally {
    await rm(file, { force: true });
  }
});

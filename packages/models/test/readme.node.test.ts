import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReadmeExample } from '@simclr/test-utils/node';
import { expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

it("the README's first example runs as written", async () => {
  const stdout = await runReadmeExample(packageDir);
  expect(stdout).toBe('h [4,128], z [4,64], 65 trainable variables\n');
});

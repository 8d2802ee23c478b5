import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReadmeExample } from '@simclr/test-utils/node';
import { expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

it("the README's first example runs as written", async () => {
  const stdout = await runReadmeExample(packageDir);
  expect(stdout).toMatch(
    /^NT-Xent \d+\.\d{4}, contrastive accuracy (0|1|0\.\d+)\ngradient shape \[8,128\]\n$/,
  );
});

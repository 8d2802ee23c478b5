import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReadmeExample } from '@simclr/test-utils/node';
import { expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

it("the README's first example runs as written", async () => {
  const stdout = await runReadmeExample(packageDir);
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(9);
  expect(lines.slice(0, 8).every((l, i) => new RegExp(`^step ${i + 1}: loss \\d+\\.\\d{3}$`).test(l))).toBe(
    true,
  );
  expect(lines[8]).toBe('completed after 8 steps');
});

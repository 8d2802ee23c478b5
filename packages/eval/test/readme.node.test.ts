import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReadmeExample } from '@simclr/test-utils/node';
import { expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

it("the README's first example runs as written", async () => {
  const stdout = await runReadmeExample(packageDir);
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
});

import type { SimCLRModel } from '@simclr/models';
import { encodeModel } from '../checkpoint-payload.js';
import { writeDirAtomic } from './atomic-dir.js';

/**
 * Writes `model` into `dir` in the TensorFlow.js layers format (`model.json`, `weights.bin`, loadable by
 * `loadSimCLRModel(fileSystem(dir))`), atomically and with a manifest of sizes and SHA-256 sums, as
 * checkpoints are: a crash or a full disk leaves the previous `dir` or the complete new one, and
 * `readDirVerified(dir)` tells a damaged one from a good one.
 */
export async function writeModelDir(model: SimCLRModel, dir: string): Promise<void> {
  const files = await encodeModel(model);
  await writeDirAtomic(
    dir,
    Object.fromEntries(
      Object.entries(files).map(([name, content]) => [name.replace(/^model\//, ''), content]),
    ),
  );
}

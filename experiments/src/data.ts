import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '@simclr/data';
import { fashionMnist } from '@simclr/data/node';

/** The Fashion-MNIST subset shipped with the quickstart (10k train, 2k test, class-balanced). */
const SUBSET = join(import.meta.dirname, '..', '..', 'examples', 'quickstart', 'data');
/** Debian's `dataset-fashion-mnist` package (all 60k/10k). */
const FULL = '/usr/share/datasets/fashion-mnist';

/** Which Fashion-MNIST the experiments read. */
export type DataChoice = 'subset' | 'full';

/** Train and test splits of Fashion-MNIST: the shipped subset, or the whole dataset from `dir`. */
export async function fashionMnistSplits(
  choice: DataChoice,
  dir: string = FULL,
): Promise<{ train: Dataset; test: Dataset; source: string }> {
  const source = choice === 'subset' ? SUBSET : dir;
  if (!existsSync(source)) {
    throw new Error(
      `no Fashion-MNIST at ${source}: install Debian's dataset-fashion-mnist or pass --data DIR`,
    );
  }
  const [train, test] = await Promise.all([
    fashionMnist({ dir: source, split: 'train' }),
    fashionMnist({ dir: source, split: 'test' }),
  ]);
  return { train, test, source };
}

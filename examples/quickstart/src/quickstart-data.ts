import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '@simclr/data';
import { download, fashionMnist } from '@simclr/data/node';

/** The Fashion-MNIST subset shipped with this example (10k train, 2k test, class-balanced). */
export const SHIPPED_DATA = join(import.meta.dirname, '..', 'data');
/** Where Debian's `dataset-fashion-mnist` package puts the full dataset. */
export const SYSTEM_DATA = '/usr/share/datasets/fashion-mnist';

/**
 * The train and test splits: the shipped subset, or with `full` the whole dataset from `dataDir`, the
 * system package, or a checksum-verified download into `cacheDir`.
 */
export async function quickstartData(options: {
  full: boolean;
  dataDir?: string;
  cacheDir: string;
  log: (line: string) => void;
}): Promise<{ train: Dataset; test: Dataset; source: string }> {
  let dir = SHIPPED_DATA;
  if (options.full) {
    if (options.dataDir !== undefined) {
      dir = options.dataDir;
    } else if (existsSync(SYSTEM_DATA)) {
      dir = SYSTEM_DATA;
    } else {
      options.log(`downloading Fashion-MNIST into ${options.cacheDir} (checksums verified)`);
      dir = await download('fashion-mnist', { cacheDir: options.cacheDir });
    }
  }
  const [train, test] = await Promise.all([
    fashionMnist({ dir, split: 'train' }),
    fashionMnist({ dir, split: 'test' }),
  ]);
  return { train, test, source: dir };
}

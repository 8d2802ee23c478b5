import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SimclrError } from '@simclr/core';
import { type Dataset, subset, syntheticShapes } from '@simclr/data';
import { cifar10, cifar100, download, fashionMnist, imageFolder, mnist, stl10 } from '@simclr/data/node';
import type { RunConfig } from './run-config.js';

/** Where downloaded datasets are cached: `$SIMCLR_CACHE`, else `~/.cache/simclr`. */
export function cacheDir(): string {
  return process.env['SIMCLR_CACHE'] ?? join(homedir(), '.cache', 'simclr');
}

/** Debian's dataset packages put the publishers' files here. */
const SYSTEM_DIRS: Partial<Record<RunConfig['dataset'], string>> = {
  'fashion-mnist': '/usr/share/datasets/fashion-mnist',
  mnist: '/usr/share/datasets/mnist',
};

type Split = RunConfig['split'];

const SYNTHETIC_TEST_SEED_OFFSET = 1_000_000;

async function byName(name: RunConfig['dataset'], dir: string, split: Split): Promise<Dataset> {
  const labeled = split === 'unlabeled' ? 'train' : split;
  switch (name) {
    case 'fashion-mnist':
      return fashionMnist({ dir, split: labeled });
    case 'mnist':
      return mnist({ dir, split: labeled });
    case 'cifar10':
      return cifar10({ dir, split: labeled });
    case 'cifar100':
      return cifar100({ dir, split: labeled });
    case 'stl10':
      return stl10({ dir, split });
    default:
      throw new SimclrError(`dataset must be one of the downloadable ones here, got "${name}"`);
  }
}

/**
 * The dataset a run names: from `--data DIR` when given, else from the system's dataset packages, else
 * downloaded (checksum-verified) into the cache. `limit` keeps the first N examples (of an image folder, N
 * spread evenly over its files, which are sorted by class).
 */
export async function loadDataset(
  config: Pick<RunConfig, 'dataset' | 'data' | 'split' | 'limit' | 'imageSize' | 'seed'>,
  log: (line: string) => void = () => {},
): Promise<Dataset> {
  const { dataset: name, data, split } = config;
  let ds: Dataset;
  if (name === 'synthetic') {
    ds = await syntheticShapes({
      size: config.limit ?? 2048,
      imageSize: config.imageSize,
      // Another seed for the test split, so that it holds other images than the train split.
      seed: split === 'test' ? config.seed + SYNTHETIC_TEST_SEED_OFFSET : config.seed,
    });
  } else if (name === 'image-folder') {
    if (data === undefined)
      throw new SimclrError('dataset "image-folder" needs --data DIR (one sub-folder per class)');
    ds = await imageFolder({ dir: data, size: config.imageSize });
  } else if (data !== undefined) {
    ds = await byName(name, data, split);
  } else {
    const system = SYSTEM_DIRS[name];
    if (system !== undefined && existsSync(system)) {
      ds = await byName(name, system, split);
    } else {
      log(`downloading ${name} into ${cacheDir()} (checksums verified)`);
      ds = await byName(name, await download(name, { cacheDir: cacheDir() }), split);
    }
  }
  if (config.limit !== undefined && config.limit < ds.size) {
    const { limit } = config;
    const { size } = ds;
    // An image folder lists its files class by class, so its first N would leave out the later classes.
    const spread = name === 'image-folder';
    ds = subset(
      ds,
      Array.from({ length: limit }, (_, i) => (spread ? Math.floor((i * size) / limit) : i)),
    );
  }
  return ds;
}

import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import { loadDataset } from './load-dataset.js';
import type { RunConfig } from './run-config.js';
import { UsageError } from './usage-error.js';

/** Which labelled data an evaluation reads. */
export interface EvalDataOptions {
  /** Dataset name. */
  dataset: RunConfig['dataset'];
  /** Its directory; for image-folder (where it is required) one holding train/ and test/ or val/. */
  data?: string;
  /** Side of image-folder and synthetic images. */
  imageSize: number;
  /** Seed of the synthetic images. */
  seed: number;
  /** First N examples of the train split. */
  trainLimit?: number;
  /** First N examples of the test split. */
  testLimit?: number;
}

/**
 * An image folder's two splits: `DIR/train` and `DIR/test` (or `DIR/val`). DIR may also be the train
 * folder itself, as a run pretrained with `--data photos/train` records it, with test/ or val/ beside it.
 */
function folderSplits(dir: string): { train: string; test: string } {
  const root = existsSync(join(dir, 'train')) ? dir : basename(dir) === 'train' ? dirname(dir) : undefined;
  const test =
    root === undefined ? undefined : ['test', 'val'].map((n) => join(root, n)).find((p) => existsSync(p));
  if (root === undefined || test === undefined) {
    throw new UsageError(
      `--dataset image-folder needs a train and a test split to evaluate: --data ${dir} must hold train/ and test/ (or val/), ` +
        'each with one sub-folder per class, or be such a train/ folder with test/ or val/ beside it',
    );
  }
  return { train: join(root, 'train'), test };
}

/** The train and test splits an evaluation uses; both must have labels. */
export async function loadEvalSplits(
  options: EvalDataOptions,
  log: (line: string) => void,
): Promise<{ train: Dataset; test: Dataset }> {
  const { dataset, data, imageSize, seed } = options;
  if (dataset === 'image-folder' && data === undefined) {
    throw new UsageError('--dataset image-folder needs --data DIR holding train/ and test/');
  }
  const folders = dataset === 'image-folder' && data !== undefined ? folderSplits(data) : undefined;
  const load = async (split: 'train' | 'test', limit: number | undefined) => {
    const ds = await loadDataset(
      {
        dataset,
        ...(data !== undefined && { data: folders?.[split] ?? data }),
        split,
        ...(limit !== undefined && { limit }),
        imageSize,
        seed,
      },
      log,
    );
    if (ds.numClasses === undefined) {
      throw new SimclrError(
        `the ${split} split of ${dataset} has no labels; evaluation needs a class per image (for image-folder: one sub-folder per class)`,
      );
    }
    return ds;
  };
  return { train: await load('train', options.trainLimit), test: await load('test', options.testLimit) };
}

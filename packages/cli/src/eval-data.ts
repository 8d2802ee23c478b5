import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import { loadDataset } from './load-dataset.js';
import type { RunConfig } from './run-config.js';
import { UsageError } from './usage-error.js';

/** Which labelled data an evaluation reads. */
export interface EvalDataOptions {
  /** Dataset name. */
  dataset: RunConfig['dataset'];
  /** Its directory (required for image-folder: `DIR/train` and `DIR/test` or `DIR/val`). */
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

/** An image folder's split: `DIR/train`, and `DIR/test` or else `DIR/val`. */
function folderSplit(dir: string, split: 'train' | 'test'): string {
  const names = split === 'train' ? ['train'] : ['test', 'val'];
  const found = names.map((n) => join(dir, n)).find((p) => existsSync(p));
  if (found === undefined) {
    throw new UsageError(
      `--dataset image-folder needs a train and a test split to evaluate: ${names.map((n) => join(dir, n)).join(' or ')} does not exist (--data DIR must hold train/ and test/, each with one sub-folder per class)`,
    );
  }
  return found;
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
  const load = async (split: 'train' | 'test', limit: number | undefined) => {
    const ds = await loadDataset(
      {
        dataset,
        ...(data !== undefined && { data: dataset === 'image-folder' ? folderSplit(data, split) : data }),
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

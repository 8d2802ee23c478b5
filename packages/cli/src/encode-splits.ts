import type { Dataset } from '@simclr/data';
import { extractFeatures, type Features } from '@simclr/eval';
import { extractFeaturesParallel } from '@simclr/eval/node';
import type { SimCLRModel } from '@simclr/models';

/**
 * The representations h of `dataset`, encoded `batchSize` images at a time, on this thread or, with
 * `workers`, on that many worker threads; the caller disposes them.
 */
export function encodeDataset(
  model: SimCLRModel,
  dataset: Dataset,
  batchSize: number,
  workers: number | 'auto' | undefined,
): Promise<Features> {
  return workers === undefined
    ? extractFeatures(model, dataset, { batchSize })
    : extractFeaturesParallel(model, dataset, { batchSize, workers });
}

/** The representations h of both splits (see {@link encodeDataset}); the caller disposes them. */
export async function encodeSplits(
  model: SimCLRModel,
  splits: { train: Dataset; test: Dataset },
  batchSize: number,
  say: (line: string) => void,
  workers?: number | 'auto',
): Promise<{ train: Features; test: Features }> {
  say(`encoding ${splits.train.size} train and ${splits.test.size} test images`);
  const train = await encodeDataset(model, splits.train, batchSize, workers);
  try {
    return { train, test: await encodeDataset(model, splits.test, batchSize, workers) };
  } catch (err) {
    train.features.dispose();
    throw err;
  }
}

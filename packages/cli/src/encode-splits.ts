import type { Dataset } from '@simclr/data';
import { extractFeatures, type Features } from '@simclr/eval';
import type { SimCLRModel } from '@simclr/models';

/** The representations h of both splits, encoded `batchSize` images at a time; the caller disposes them. */
export async function encodeSplits(
  model: SimCLRModel,
  splits: { train: Dataset; test: Dataset },
  batchSize: number,
  say: (line: string) => void,
): Promise<{ train: Features; test: Features }> {
  say(`encoding ${splits.train.size} train and ${splits.test.size} test images`);
  const train = await extractFeatures(model, splits.train, { batchSize });
  try {
    return { train, test: await extractFeatures(model, splits.test, { batchSize }) };
  } catch (err) {
    train.features.dispose();
    throw err;
  }
}

import { SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';

/**
 * Every label of `dataset`, in index order. A `Dataset` only hands labels out with their images, so
 * this reads the images too, a batch at a time, and drops them.
 */
export async function datasetLabels(dataset: Dataset, name: string, batchSize = 1024): Promise<Int32Array> {
  const labels = new Int32Array(dataset.size);
  let done = 0;
  for await (const batch of dataset.batches({ batchSize, dropLast: false, prefetch: 1 })) {
    try {
      if (batch.labels === undefined) throw new SimclrError(`${name} must have labels`);
      labels.set(await batch.labels.data(), done);
      done += batch.images.shape[0];
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
    }
  }
  return labels;
}

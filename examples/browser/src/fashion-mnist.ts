import { type Dataset, fashionMnist, type MnistSplit, subset } from '@simclr/data';

const loaded = new Map<MnistSplit, Promise<Dataset>>();

/**
 * A split of the Fashion-MNIST subset served with the app (10 000 train / 2 000 test images, 1 000 / 200
 * per class), fetched and decoded once. The images stay uint8 on the host until a batch is made.
 */
export function fashionMnistSplit(split: MnistSplit): Promise<Dataset> {
  let dataset = loaded.get(split);
  if (dataset === undefined) {
    dataset = fashionMnist({ url: `${import.meta.env.BASE_URL}data/fashion-mnist`, split });
    loaded.set(split, dataset);
  }
  return dataset;
}

/** The first `n` examples of `dataset` (all of them if it has fewer). */
export function firstN(dataset: Dataset, n: number): Dataset {
  return subset(
    dataset,
    Array.from({ length: Math.min(n, dataset.size) }, (_, i) => i),
  );
}

import type { ImageBatch, Labels, Rng } from '@simclr/core';

/** Height, width and channel count shared by every image of a dataset. */
export type ImageShape = readonly [height: number, width: number, channels: 1 | 3];

/**
 * Images, and labels when the dataset has them, of some examples. The caller owns the tensors and
 * disposes them.
 */
export interface Batch {
  /** `[n, height, width, channels]`, float32, values in [0, 1]. */
  images: ImageBatch;
  /** `[n]` int32 class indices in `0 … numClasses-1`; absent when the dataset has no labels. */
  labels?: Labels;
}

/** Options of {@link Dataset.batches}. */
export interface BatchOptions {
  /** Images per batch, an integer >= 1. Required. */
  batchSize: number;
  /** Visit the examples in a random order drawn from `rng`. Default false: index order. */
  shuffle?: boolean;
  /** The generator that draws the order; required when `shuffle` is true. */
  rng?: Rng;
  /** Leave out the last batch when it would hold fewer than `batchSize` images. Default true. */
  dropLast?: boolean;
  /**
   * How many batches after the current one are being prepared while the current one is used.
   * 0 prepares each batch only when it is asked for. Default 2.
   */
  prefetch?: number;
  /**
   * Start the epoch at this batch; earlier batches are skipped without being read. The order is drawn
   * as usual, so a run resumed mid-epoch with the generator state of the epoch's start gets exactly the
   * remaining batches. Default 0.
   */
  startBatch?: number;
}

/**
 * A fixed-size, indexable collection of images (and maybe labels). Images are held in their compact
 * on-disk form (uint8, in memory or on disk) and become float32 tensors one batch at a time.
 */
export interface Dataset {
  /** Number of examples. */
  readonly size: number;
  /** `[height, width, channels]` of every image. */
  readonly imageShape: ImageShape;
  /** Number of classes, when the dataset has labels. */
  readonly numClasses?: number;
  /** A name for each class index, when known. */
  readonly classNames?: readonly string[];
  /** The examples at `indices` (in that order, repeats allowed) as a new batch. */
  get(indices: readonly number[]): Promise<Batch>;
  /**
   * One epoch as a stream of batches. While a batch is being used, the next `prefetch` batches are
   * already being prepared. Leaving the loop early disposes the prepared batches that were not taken.
   */
  batches(options: BatchOptions): AsyncGenerator<Batch, void, undefined>;
}

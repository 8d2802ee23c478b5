import type { ImageBatch } from '@simclr/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KnnRecord } from '../knn-monitor.js';
import type { LinearProbeRecord } from '../linear-probe-monitor.js';

export type { KnnRecord, LinearProbeRecord };

/** One logged training step. `StepMetrics` from `@simclr/train` (what `pretrain` passes to `onStep`) fits. */
export interface StepRecord {
  /** Steps done, this one included. */
  step: number;
  /** 0-based epoch of the step. */
  epoch: number;
  /** Training loss of the step. */
  loss: number;
  /** Learning rate used for the step. */
  lr: number;
  /** Fraction of views whose positive was their nearest candidate, when logged. */
  contrastiveAccuracy?: number;
  /** Source images per second over the step, when logged. */
  imagesPerSecond?: number;
}

/**
 * One row of the comparison table: how a representation scores. Accuracies are fractions in [0, 1];
 * a column is shown when any row has a value for it.
 */
export interface ResultRow {
  /** What was evaluated, e.g. `'SimCLR ResNet-18, 100 epochs'` or `'random init'`. */
  representation: string;
  /** kNN top-1 on the test split (`knnEvaluate`). */
  knnTop1?: number;
  /** kNN top-5 on the test split. */
  knnTop5?: number;
  /** Linear evaluation top-1 on the test split (`linearEvaluate`). */
  linearTop1?: number;
  /** Linear evaluation top-5 on the test split. */
  linearTop5?: number;
  /** Top-1 after fine-tuning on 1% of the labels (`fineTune`). */
  fineTune1PctTop1?: number;
  /** Top-1 after fine-tuning on 10% of the labels. */
  fineTune10PctTop1?: number;
  /** Top-1 after fine-tuning on all labels. */
  fineTune100PctTop1?: number;
}

/** Images as bytes: NHWC, values 0 … 255, 1 or 3 channels. */
export interface Pixels {
  /** `[count, height, width, channels]`. */
  shape: readonly [number, number, number, number];
  /** `count × height × width × channels` bytes. */
  data: Uint8Array;
}

/** Images for a report: an `ImageBatch` (float32 in [0, 1]) or {@link Pixels}. */
export type ReportImages = ImageBatch | Pixels;

/** Some images and two augmented views of each (row i of each is image i), shown side by side. */
export interface AugmentationGrid {
  /** The images before augmentation. */
  originals: ReportImages;
  /** The two views, each with as many images as `originals` (any size). */
  views: readonly [ReportImages, ReportImages];
}

/** Representations to plot in 2-D with UMAP, coloured by class. `extractFeatures`'s result fits. */
export interface EmbeddingSet {
  /** h of some test images: `[N, D]` as a tensor or as rows. */
  features: tf.Tensor2D | readonly (readonly number[])[];
  /** The class of each row. */
  labels: ArrayLike<number>;
}

/**
 * Everything a report shows. Only `title` and `history` are required; each optional part adds its
 * figure or table. Tensors in it are read, never disposed.
 */
export interface ReportRun {
  /** Heading of the report, e.g. `'SimCLR, ResNet-18 on CIFAR-10'`. */
  title: string;
  /** The run's settings (e.g. the validated pretraining config), shown as JSON. */
  config?: Record<string, unknown>;
  /** One record per logged step, in order: the loss, learning-rate and contrastive-accuracy curves. */
  history: readonly StepRecord[];
  /** kNN monitor readings (`knnMonitor`), in order: the kNN accuracy curve. */
  knnHistory?: readonly KnnRecord[];
  /** Linear probe readings (`linearProbeMonitor`), in order: drawn beside the kNN curve. */
  linearHistory?: readonly LinearProbeRecord[];
  /** The comparison table. */
  results?: readonly ResultRow[];
  /** Originals and their two augmented views. */
  augmentations?: AugmentationGrid;
  /** Test representations for the UMAP figure. */
  embeddings?: EmbeddingSet;
  /** A confusion matrix on the test split, rows true classes (e.g. `linearEvaluate(...).confusion`). */
  confusion?: readonly (readonly number[])[];
  /** A name per class index, for the legend and axes. Default: the class indices. */
  classNames?: readonly string[];
}

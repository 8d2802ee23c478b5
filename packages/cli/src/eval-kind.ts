import type { Dataset } from '@simclr/data';
import type { SimCLRModel } from '@simclr/models';
import type * as tf from '@tensorflow/tfjs-core';
import type { FlagSpec } from './flags.js';

/** The evaluations `simclr eval` runs. */
export const EVAL_KINDS = ['knn', 'linear', 'finetune'] as const;
/** One of {@link EVAL_KINDS}. */
export type EvalKindName = (typeof EVAL_KINDS)[number];

/** What an evaluation is given. */
export interface EvalContext {
  /** The pretrained model; its encoder gives the representation h. */
  model: SimCLRModel;
  /** Labelled training split. */
  train: Dataset;
  /** Labelled test split. */
  test: Dataset;
  /** Seed of every random choice. */
  seed: number;
  /** A report will be written: return test representations as `embeddings`. */
  wantEmbeddings: boolean;
  /** Progress lines (stderr, unless --quiet). */
  say: (line: string) => void;
  /** Worker threads that encode images and search kNN neighbours (--workers); undefined: this thread. */
  workers?: number | 'auto';
}

/** What an evaluation measured. */
export interface EvalOutcome {
  /** The protocol and its settings in a few words, e.g. `kNN (k 200, temperature 0.1)`. */
  protocol: string;
  /** The settings used, as recorded in eval-<kind>.json. */
  settings: Record<string, unknown>;
  /** Test accuracies and whatever else the evaluation reports, as recorded in eval-<kind>.json. */
  result: { top1: number; top5: number } & Record<string, unknown>;
  /** The result table's rows. */
  rows: [string, string][];
  /** Test images by true class (rows) and predicted class (columns), when the evaluation predicts classes. */
  confusion?: number[][];
  /** Test representations for the report's UMAP (the caller disposes them); only with `wantEmbeddings`. */
  embeddings?: { features: tf.Tensor2D; labels: Int32Array };
}

/** One evaluation protocol of `simclr eval`. */
export interface EvalKind {
  name: EvalKindName;
  /** One line for `simclr eval --help`. */
  summary: string;
  /** The paragraph of `simclr eval <kind> --help`. */
  description: string;
  /** Its own flags, besides those every evaluation takes. */
  flags: Record<string, FlagSpec>;
  /**
   * Checks the evaluation's own flags (so that a bad one fails before the model and data load) and
   * returns the evaluation to run.
   */
  prepare(
    values: Record<string, string | boolean | undefined>,
  ): (context: EvalContext) => Promise<EvalOutcome>;
}

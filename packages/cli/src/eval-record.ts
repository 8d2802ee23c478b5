import type { ResultRow } from '@simclr/eval/report';
import type { EvalKindName } from './eval-kind.js';

/** What `simclr eval <kind>` writes to `eval-<kind>.json` and prints with `--json`. */
export interface EvalRecord {
  kind: EvalKindName;
  model: {
    /** Absolute path of the model directory evaluated. */
    dir: string;
    /** What `--checkpoint` named: a run directory, a checkpoint or a model directory. */
    from: 'run' | 'checkpoint' | 'model' | 'weights';
    /** Training step of the weights, when known. */
    step: number | null;
    /** Encoder architecture from the run's config, when known. */
    architecture: string | null;
  };
  dataset: {
    name: string;
    train: number;
    test: number;
    /** `[height, width, channels]` of the dataset's own images. */
    imageShape: readonly number[];
    numClasses: number;
    /**
     * Present when the images were converted to the model's input (the transfer protocol): the
     * model's `[height, width, channels]` and what was done, e.g. `bilinear resize with antialiasing,
     * ITU-R 601-2 grey`.
     */
    transfer?: { modelInput: readonly number[]; conversion: string };
  };
  backend: string;
  seed: number;
  settings: Record<string, unknown>;
  result: { top1: number; top5: number } & Record<string, unknown>;
  seconds: number;
  /** ISO 8601 time the evaluation finished. */
  date: string;
}

const FINE_TUNE_COLUMNS = {
  0.01: 'fineTune1PctTop1',
  0.1: 'fineTune10PctTop1',
  1: 'fineTune100PctTop1',
} as const;

/** The report's result columns that `record` fills. */
export function resultColumns(record: EvalRecord): Omit<ResultRow, 'representation'> {
  const { top1, top5 } = record.result;
  switch (record.kind) {
    case 'knn':
      return { knnTop1: top1, knnTop5: top5 };
    case 'linear':
      return { linearTop1: top1, linearTop5: top5 };
    case 'finetune': {
      const column = FINE_TUNE_COLUMNS[record.settings['labelFraction'] as keyof typeof FINE_TUNE_COLUMNS];
      return column === undefined ? {} : { [column]: top1 };
    }
  }
}

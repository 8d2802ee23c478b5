import { SimclrError } from '@simclr/core';
import type { PretrainConfig } from './config.js';

/** One setting that differs between a checkpoint's run and the run that resumes it. */
export interface ResumeChange {
  /** The setting's path in `PretrainConfig` (`optimizer.baseLearningRate`), or `datasetSize`. */
  setting: string;
  saved: unknown;
  current: unknown;
}

/**
 * Settings a resumed run may change: they only act on the steps still to come. The epoch count and the
 * learning-rate schedule (its cosine is recomputed to the new end), regularisation, the gradient cache
 * (the same gradients in chunks), checkpointing. Every other setting defines what the saved weights,
 * optimizer slots and random streams mean (batch size, seed, optimizer, loss, dataset size), so a
 * change there starts a different run and is refused.
 */
const MAY_CHANGE = new Set([
  'epochs',
  'chunkSize',
  'optimizer.baseLearningRate',
  'optimizer.lrScaling',
  'optimizer.warmupEpochs',
  'optimizer.weightDecay',
  'checkpointEvery',
  'keepCheckpoints',
  'resume',
]);

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/**
 * The settings that differ between the configuration a checkpoint was written with and `current`,
 * split into those refused and those the resumed run applies. `datasetSize` is compared when the
 * checkpoint recorded it.
 */
export function compareForResume(
  saved: PretrainConfig,
  current: PretrainConfig,
  savedDatasetSize: number | undefined,
  datasetSize: number,
): { refused: ResumeChange[]; applied: ResumeChange[] } {
  const before = flatten(saved, '', new Map());
  const after = flatten(current, '', new Map());
  if (savedDatasetSize !== undefined) {
    before.set('datasetSize', savedDatasetSize);
    after.set('datasetSize', datasetSize);
  }
  const refused: ResumeChange[] = [];
  const applied: ResumeChange[] = [];
  for (const setting of new Set([...before.keys(), ...after.keys()])) {
    const change = { setting, saved: before.get(setting), current: after.get(setting) };
    if (change.saved === change.current) continue;
    if (setting !== 'resume') (MAY_CHANGE.has(setting) ? applied : refused).push(change);
  }
  return { refused, applied };
}

const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));

/** `batchSize 16 → 32`. */
export function describeChange(c: ResumeChange): string {
  return `${c.setting} ${show(c.saved)} → ${show(c.current)}`;
}

const MARKER = Symbol.for('@simclr/train.ResumeMismatchError');

/**
 * A resume refused because settings that define the saved state differ: `changes` lists each (the CLI
 * names their flags), `checkpoint` says which checkpoint was compared. Nothing was written.
 */
export class ResumeMismatchError extends SimclrError {
  readonly [MARKER] = true;
  constructor(
    readonly checkpoint: string,
    readonly changes: readonly ResumeChange[],
  ) {
    super(
      `cannot resume from ${checkpoint}: it was trained with other settings (${changes.map(describeChange).join(', ')}). ` +
        'Resume with the saved settings, or start a new run in another directory (or with resume: "restart")',
      { code: 'mismatch' },
    );
  }

  /** Whether `error` is one, also from another copy of this package. */
  static isInstance(error: unknown): error is ResumeMismatchError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}

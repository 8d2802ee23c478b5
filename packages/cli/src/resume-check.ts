import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeChange, type ResumeChange, ResumeMismatchError } from '@simclr/train';
import { RUN_DEFAULTS, type RunConfig } from './run-config.js';
import { UsageError } from './usage-error.js';

/** The flag of each setting of a run, for messages; settings without one are named as config fields. */
const FLAGS: Record<string, string> = {
  batchSize: '--batch-size',
  seed: '--seed',
  epochs: '--epochs',
  chunkSize: '--chunk-size',
  'optimizer.name': '--optimizer',
  'optimizer.baseLearningRate': '--lr',
  'optimizer.lrScaling': '--lr-scaling',
  'optimizer.warmupEpochs': '--warmup-epochs',
  'optimizer.weightDecay': '--weight-decay',
  'loss.name': '--loss',
  'loss.temperature': '--temperature',
  checkpointEvery: '--checkpoint-every',
  datasetSize: '--dataset / --limit (the number of images)',
  dataset: '--dataset',
  split: '--split',
  limit: '--limit',
  imageSize: '--image-size',
  model: '--model',
  stem: '--stem',
  width: '--width',
  strength: '--strength',
  blur: '--blur',
  widths: '--widths',
  strides: '--strides',
  pooling: '--pooling',
  cropScale: '--crop-scale',
};

/** The run settings outside the training config that define what a run directory's checkpoints hold. */
const RUN_SETTINGS = [
  'dataset',
  'split',
  'limit',
  'imageSize',
  'model',
  'stem',
  'width',
  'projectionDim',
  'widths',
  'strides',
  'pooling',
  'cropScale',
  'strength',
  'blur',
] as const;

function flagged(change: ResumeChange): string {
  const flag = FLAGS[change.setting];
  return flag === undefined ? `config ${describeChange(change)}` : `${flag}: ${describeChange(change)}`;
}

function refusal(out: string, changes: readonly ResumeChange[]): UsageError {
  return new UsageError(
    `cannot resume ${out}: its checkpoints were trained with other settings (${changes.map(flagged).join('; ')}). ` +
      'Run with the saved settings to continue, or start a new run with another --out (or --resume restart, which replaces it). Nothing was written',
  );
}

/**
 * Before anything is written: when `out` holds checkpoints that `--resume auto` would continue, the run
 * settings that `pretrain` does not see (data, model, augmentation) must be those of its `config.json`.
 * The training settings are checked by `pretrain` against the checkpoint itself.
 */
export async function checkResumeSettings(
  out: string,
  config: RunConfig,
  hasCheckpoints: boolean,
): Promise<void> {
  if (config.resume !== 'auto' || !hasCheckpoints) return;
  let saved: Record<string, unknown>;
  try {
    saved = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // No readable config.json: the checkpoint's own training config is still compared by pretrain.
    return;
  }
  const changes = RUN_SETTINGS.map((setting) => ({
    setting,
    // A config.json written before a setting existed ran with its default.
    saved: saved[setting] === undefined ? RUN_DEFAULTS[setting] : saved[setting],
    current: config[setting] as unknown,
  })).filter((c) => JSON.stringify(c.saved) !== JSON.stringify(c.current));
  if (changes.length > 0) throw refusal(out, changes);
}

/** `pretrain`'s refusal of a resume, in flags. Other errors pass through. */
export function withFlags(error: unknown, out: string): unknown {
  return ResumeMismatchError.isInstance(error) ? refusal(out, error.changes) : error;
}

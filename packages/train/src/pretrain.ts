import { describeValue, SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import type { SimCLRModel } from '@simclr/models';
import { encodeCheckpoint, restoreCheckpoint } from './checkpoint-payload.js';
import type { CheckpointSink } from './checkpoint-sink.js';
import { type PretrainConfigInput, parsePretrainConfig } from './config.js';
import {
  type AugmentFn,
  type ContrastiveLossFn,
  contrastiveUpdate,
  lossFunction,
  type UpdateContext,
} from './contrastive-update.js';
import { createOptimizer } from './create-optimizer.js';
import {
  type EpochSummary,
  learningRateSchedule,
  type PretrainResult,
  type RunStart,
  runTrainingLoop,
  type StepMetrics,
  stepsPerEpochOf,
} from './training-loop.js';

export type { AugmentFn, ContrastiveLossFn } from './contrastive-update.js';
export type { EpochSummary, PretrainResult, RunStart, StepMetrics } from './training-loop.js';

/** Everything `pretrain` works on besides the JSON-able config. */
export interface PretrainContext {
  /** The network; trained in place. */
  model: SimCLRModel;
  /** Images to learn from; labels are ignored. */
  dataset: Dataset;
  /** The augmentation applied twice per image. */
  augment: AugmentFn;
  /**
   * A loss of your own, in place of the config's named one: the config's `loss.name` becomes `'custom'`
   * (and must be unset or `'custom'`). For supervised contrastive pretraining by name, set the config's
   * `loss.name` to `'sup-con'` instead. Default: the config's named loss.
   */
  loss?: ContrastiveLossFn;
  /** Where checkpoints go (and come from, with `resume: 'auto'`). Default none. */
  checkpoints?: CheckpointSink;
  /** Called after every step. */
  onStep?: (metrics: StepMetrics) => void | Promise<void>;
  /** Called after every epoch (after its checkpoint, if one is due). */
  onEpoch?: (summary: EpochSummary) => void | Promise<void>;
  /** When it aborts, the current step finishes, a checkpoint is written and `pretrain` returns. */
  signal?: AbortSignal;
  /** Where warnings go (e.g. a skipped corrupt checkpoint, a setting a resumed run changed). Default `console.warn`. */
  onWarning?: (message: string) => void;
  /**
   * Called once the resume is settled, before the first step. Write your run's own files there rather than
   * before `pretrain`: a refused resume (`ResumeMismatchError`, all checkpoints corrupt) throws first.
   */
  onStart?: (start: RunStart) => void | Promise<void>;
}

/**
 * SimCLR pretraining: for each batch, two augmented views per image, z = g(f(view)) through the model,
 * the configured contrastive loss, one optimizer update, the learning rate from linear warm-up + cosine
 * decay (the base rate scaled with the batch size). Checkpoints every `checkpointEvery` steps and at the
 * end; with `resume: 'auto'` it continues from the newest valid checkpoint, and the continued run takes
 * the same steps (data order, augmentations, updates) as an uninterrupted one.
 *
 * It runs on the calling thread; `pretrainParallel` from `@simclr/train/node` runs the same loop on
 * every core.
 *
 * @throws SimclrError on a bad config, a dataset smaller than one batch, or a non-finite loss (the update
 * is not applied and the last good checkpoint stays the newest).
 */
export async function pretrain(
  configInput: PretrainConfigInput,
  context: PretrainContext,
): Promise<PretrainResult> {
  const config = parsePretrainConfig(withCustomLoss(configInput, context.loss));
  const { model, dataset, augment } = context;
  if (config.loss.name === 'sup-con' && dataset.numClasses === undefined) {
    throw new SimclrError(
      "pretrain: config.loss.name 'sup-con' needs a labelled dataset, got one without labels",
    );
  }
  const schedule = learningRateSchedule(config, stepsPerEpochOf(config, dataset));
  const optimizer = createOptimizer(config.optimizer, schedule(0));
  const update: UpdateContext = {
    model,
    optimizer,
    augment,
    loss: lossFunction(config.loss, context.loss),
    chunkSize: config.chunkSize,
  };
  try {
    return await runTrainingLoop(config, context, {
      restore: async (files) => {
        await restoreCheckpoint(files, model, optimizer);
      },
      step: (images, lr, rng, labels) => contrastiveUpdate(update, images, lr, rng, labels),
      checkpoint: (state) => encodeCheckpoint(model, optimizer, state),
    });
  } finally {
    optimizer.dispose();
  }
}

/** The config with `loss.name` 'custom' when a loss function is given; refuses a config that names another. */
function withCustomLoss(
  input: PretrainConfigInput,
  loss: ContrastiveLossFn | undefined,
): PretrainConfigInput {
  const named = (input as { loss?: { name?: unknown } } | null)?.loss?.name;
  if (loss === undefined) return input;
  if (typeof loss !== 'function') {
    throw new SimclrError(`pretrain: context.loss must be a function, got ${describeValue(loss)}`);
  }
  if (named !== undefined && named !== 'custom') {
    throw new SimclrError(
      `pretrain: config.loss.name must be unset or 'custom' when context.loss is given, got ${JSON.stringify(named)}`,
    );
  }
  return { ...input, loss: { ...input.loss, name: 'custom' } };
}

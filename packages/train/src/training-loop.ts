import { createRng, type ImageBatch, type Rng, SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import type * as tf from '@tensorflow/tfjs-core';
import { readTrainingState, type TrainingState } from './checkpoint-payload.js';
import type { CheckpointFiles, CheckpointSink } from './checkpoint-sink.js';
import type { PretrainConfig } from './config.js';
import type { StepOutcome } from './contrastive-update.js';
import {
  compareForResume,
  describeChange,
  type ResumeChange,
  ResumeMismatchError,
} from './resume-contract.js';
import { type LearningRateScaling, scaleLearningRate, warmupCosine } from './schedules.js';

/** What `pretrain` reports after every step (one JSON line of the metrics log). */
export interface StepMetrics {
  /** Steps done, this one included. */
  step: number;
  /** 0-based epoch of this step. */
  epoch: number;
  loss: number;
  /** Learning rate used for this step. */
  lr: number;
  /** How often a view's positive is its nearest of the 2N−1 candidates. */
  contrastiveAccuracy: number;
  /** Source images per second over this step (each gives two views). */
  imagesPerSecond: number;
}

/** What `pretrain` reports at the end of every epoch. */
export interface EpochSummary {
  /** 0-based epoch just finished. */
  epoch: number;
  /** Steps done so far. */
  step: number;
  /** Mean loss over the epoch's steps run in this process. */
  meanLoss: number;
  /** Seconds this epoch took in this process. */
  seconds: number;
}

/** How a run ended. */
export interface PretrainResult {
  /** `'completed'`, or `'aborted'` when the signal fired. */
  status: 'completed' | 'aborted';
  /** Steps done in total (resumed ones included). */
  step: number;
  /** Epochs completed. */
  epochsCompleted: number;
  /** Step a resumed run started from, or null for a fresh run. */
  resumedFrom: number | null;
  /** The validated configuration. */
  config: PretrainConfig;
}

/** What the loop needs besides the step itself; shared by `pretrain` and `pretrainParallel`. */
export interface LoopContext {
  dataset: Dataset;
  checkpoints?: CheckpointSink | undefined;
  onStep?: ((metrics: StepMetrics) => void | Promise<void>) | undefined;
  onEpoch?: ((summary: EpochSummary) => void | Promise<void>) | undefined;
  signal?: AbortSignal | undefined;
  onWarning?: ((message: string) => void) | undefined;
  /**
   * Called once the resume is settled and before the first step: the step resumed from (null for a
   * fresh start) and the settings the resumed run changed. Write your run's own files here, not before:
   * a refused resume throws first and leaves everything as it was.
   */
  onStart?: ((start: RunStart) => void | Promise<void>) | undefined;
}

/** How a run starts: the step it resumes from (null: a fresh start) and the settings it changed. */
export interface RunStart {
  resumedFrom: number | null;
  changes: ResumeChange[];
}

/**
 * Whatever runs the steps: the calling thread (`pretrain`) or a team of replicas (`pretrainParallel`).
 * The loop owns the data order, the random state, the schedule and the checkpoints; the runner owns the
 * weights and the optimizer.
 */
export interface StepRunner {
  /** Loads the weights and optimizer slots of a checkpoint. */
  restore(files: Map<string, Uint8Array>): Promise<void>;
  /**
   * Augments `images` twice (drawing from `augmentRng`), computes the loss and gradients and applies them
   * at learning rate `lr`, unless the loss is not finite (then nothing is applied).
   */
  step(images: ImageBatch, lr: number, augmentRng: Rng, labels?: tf.Tensor1D): Promise<StepOutcome>;
  /** The checkpoint of the weights and optimizer now, with `state`. */
  checkpoint(state: TrainingState): Promise<CheckpointFiles>;
}

function baseLearningRate(config: PretrainConfig): number {
  const { baseLearningRate: base, lrScaling } = config.optimizer;
  return lrScaling === 'none'
    ? base
    : scaleLearningRate(base, config.batchSize, lrScaling as LearningRateScaling);
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Steps per epoch of `config` on `dataset`; throws when the dataset is smaller than one batch. */
export function stepsPerEpochOf(config: PretrainConfig, dataset: Dataset): number {
  const stepsPerEpoch = Math.floor(dataset.size / config.batchSize);
  if (stepsPerEpoch < 1) {
    throw new SimclrError(
      `config.batchSize must be <= the dataset size (${dataset.size}) so an epoch has a step, got ${config.batchSize}`,
    );
  }
  return stepsPerEpoch;
}

/** The learning rate of every step: linear warm-up, then cosine decay, the base rate scaled with the batch. */
export function learningRateSchedule(
  config: PretrainConfig,
  stepsPerEpoch: number,
): (step: number) => number {
  const totalSteps = config.epochs * stepsPerEpoch;
  const warmupSteps = Math.min(
    Math.round(config.optimizer.warmupEpochs * stepsPerEpoch),
    Math.floor(totalSteps / 2),
  );
  return warmupCosine({ baseLr: baseLearningRate(config), warmupSteps, totalSteps });
}

/**
 * The pretraining loop: epochs of shuffled batches, the learning-rate schedule, checkpoints every
 * `checkpointEvery` steps and at the end, resume from the newest valid checkpoint, the stop on a
 * non-finite loss and on the abort signal. `runner` does the steps.
 */
export async function runTrainingLoop(
  config: PretrainConfig,
  context: LoopContext,
  runner: StepRunner,
): Promise<PretrainResult> {
  const { dataset, checkpoints, onStep, onEpoch, signal } = context;
  const warn = context.onWarning ?? ((m: string) => console.warn(m));
  const stepsPerEpoch = stepsPerEpochOf(config, dataset);
  const totalSteps = config.epochs * stepsPerEpoch;
  const schedule = learningRateSchedule(config, stepsPerEpoch);

  const root = createRng(config.seed);
  const dataRng = root.fork();
  const augmentRng = root.fork();
  let step = 0;
  let epoch = 0;
  let stepInEpoch = 0;
  let dataRngAtEpochStart = dataRng.getState();
  let resumedFrom: number | null = null;
  let applied: ResumeChange[] = [];

  if (checkpoints !== undefined && config.resume !== 'restart') {
    // Everything is checked before anything is restored or written.
    const latest = await checkpoints.latestValid(warn);
    if (latest !== null && config.resume === 'never') {
      throw new SimclrError(
        `pretrain: resume is "never" but checkpoints already exist (the newest is step ${latest.step}) and would be replaced; resume with "auto", start over with "restart", or use another directory`,
      );
    }
    if (latest !== null) {
      const state = readTrainingState(latest.files);
      const changes = compareForResume(state.config, config, state.datasetSize, dataset.size);
      if (changes.refused.length > 0) {
        throw new ResumeMismatchError(`the checkpoint of step ${latest.step}`, changes.refused);
      }
      applied = changes.applied;
      await runner.restore(latest.files);
      ({ step, epoch, stepInEpoch, dataRngAtEpochStart } = state);
      augmentRng.setState(state.augmentRng);
      resumedFrom = step;
      for (const change of applied) warn(`resuming with a changed setting: ${describeChange(change)}`);
    }
  }
  if (checkpoints !== undefined && config.resume === 'restart') {
    // Old checkpoints with higher step numbers would pass for the new run's newest.
    if (checkpoints.clear === undefined) {
      const latest = await checkpoints.latestValid(() => {}).catch(() => 'damaged');
      if (latest !== null) {
        throw new SimclrError(
          'pretrain: resume is "restart" but the checkpoint sink holds checkpoints and has no clear(); clear it yourself or use another one',
        );
      }
    } else {
      await checkpoints.clear();
    }
  }
  await context.onStart?.({ resumedFrom, changes: applied });

  const state = (): TrainingState => ({
    step,
    epoch,
    stepInEpoch,
    dataRngAtEpochStart,
    augmentRng: augmentRng.getState(),
    config,
    datasetSize: dataset.size,
  });
  let lastSaved = resumedFrom;

  while (epoch < config.epochs) {
    dataRng.setState(dataRngAtEpochStart);
    const epochStart = now();
    let lossSum = 0;
    let lossCount = 0;
    const batches = dataset.batches({
      batchSize: config.batchSize,
      shuffle: true,
      rng: dataRng,
      startBatch: stepInEpoch,
    });
    for await (const batch of batches) {
      const t0 = now();
      const lr = schedule(step);
      let result: StepOutcome;
      try {
        result = await runner.step(batch.images, lr, augmentRng, batch.labels);
      } finally {
        batch.images.dispose();
        batch.labels?.dispose();
      }
      if (!Number.isFinite(result.loss)) {
        await batches.return();
        throw new SimclrError(
          `the loss became ${result.loss} at step ${step + 1} (epoch ${epoch}): ` +
            `${result.source ?? 'the loss overflowed on finite embeddings (raise the temperature)'}. The update was not applied` +
            (lastSaved !== null ? ` and checkpoint ${lastSaved} is the last good one` : ''),
          { code: 'non-finite' },
        );
      }
      step++;
      stepInEpoch++;
      lossSum += result.loss;
      lossCount++;
      const metrics: StepMetrics = {
        step,
        epoch,
        loss: result.loss,
        lr,
        contrastiveAccuracy: result.accuracy,
        imagesPerSecond: (config.batchSize * 1000) / Math.max(now() - t0, 1e-3),
      };
      if (stepInEpoch === stepsPerEpoch) {
        epoch++;
        stepInEpoch = 0;
        dataRngAtEpochStart = dataRng.getState();
      }
      const aborted = signal?.aborted === true;
      const due = config.checkpointEvery > 0 && step % config.checkpointEvery === 0;
      if (checkpoints !== undefined && (due || aborted || step === totalSteps)) {
        await checkpoints.save(step, await runner.checkpoint(state()));
        lastSaved = step;
      }
      await onStep?.(metrics);
      if (aborted) {
        await batches.return();
        return { status: 'aborted', step, epochsCompleted: epoch, resumedFrom, config };
      }
      if (stepInEpoch === 0) break;
    }
    await onEpoch?.({
      epoch: epoch - 1,
      step,
      meanLoss: lossCount > 0 ? lossSum / lossCount : Number.NaN,
      seconds: (now() - epochStart) / 1000,
    });
  }
  return { status: 'completed', step, epochsCompleted: epoch, resumedFrom, config };
}

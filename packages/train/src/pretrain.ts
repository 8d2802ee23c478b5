import { createRng, type ImageBatch, type Rng, SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import { contrastiveAccuracy, marginTriplet, ntLogistic, ntXent } from '@simclr/losses';
import type { SimCLRModel } from '@simclr/models';
import * as tf from '@tensorflow/tfjs-core';
import { encodeCheckpoint, restoreCheckpoint, type TrainingState } from './checkpoint-payload.js';
import type { CheckpointSink } from './checkpoint-sink.js';
import { type PretrainConfig, type PretrainConfigInput, parsePretrainConfig } from './config.js';
import { contrastiveGradients, type PairLossFn } from './contrastive-step.js';
import { createOptimizer } from './create-optimizer.js';
import { type LearningRateScaling, scaleLearningRate, warmupCosine } from './schedules.js';

/** A batched augmentation, e.g. `simclrAugment(...)` from `@simclr/augment`. */
export type AugmentFn = (images: ImageBatch, rng: Rng) => ImageBatch;

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

/** Everything `pretrain` works on besides the JSON-able config. */
export interface PretrainContext {
  /** The network; trained in place. */
  model: SimCLRModel;
  /** Images to learn from; labels are ignored. */
  dataset: Dataset;
  /** The augmentation applied twice per image. */
  augment: AugmentFn;
  /** Where checkpoints go (and come from, with `resume: 'auto'`). Default none. */
  checkpoints?: CheckpointSink;
  /** Called after every step. */
  onStep?: (metrics: StepMetrics) => void | Promise<void>;
  /** Called after every epoch (after its checkpoint, if one is due). */
  onEpoch?: (summary: EpochSummary) => void | Promise<void>;
  /** When it aborts, the current step finishes, a checkpoint is written and `pretrain` returns. */
  signal?: AbortSignal;
  /** Where warnings go (e.g. a skipped corrupt checkpoint). Default `console.warn`. */
  onWarning?: (message: string) => void;
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

function lossFunction(config: PretrainConfig['loss']): PairLossFn {
  const loss: PairLossFn = (() => {
    switch (config.name) {
      case 'nt-xent':
        return (z1, z2) => ntXent(z1, z2, { temperature: config.temperature });
      case 'nt-logistic':
        return (z1, z2) => ntLogistic(z1, z2, { temperature: config.temperature });
      case 'margin-triplet':
        return (z1, z2) => marginTriplet(z1, z2, { margin: config.margin });
    }
  })();
  // The losses reject non-finite embeddings with an error, but an error thrown while the gradient tape
  // records leaks the tensors it saved for the backward pass. A diverged model gets a NaN loss instead,
  // which the step reports without applying the update.
  return (z1, z2) => {
    const finite = tf.tidy(() => tf.all(tf.isFinite(tf.concat([z1, z2]))).dataSync()[0] === 1);
    return finite ? loss(z1, z2) : (tf.mul(tf.add(tf.sum(z1), tf.sum(z2)), Number.NaN) as tf.Scalar);
  };
}

function baseLearningRate(config: PretrainConfig): number {
  const { baseLearningRate: base, lrScaling } = config.optimizer;
  return lrScaling === 'none'
    ? base
    : scaleLearningRate(base, config.batchSize, lrScaling as LearningRateScaling);
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * SimCLR pretraining: for each batch, two augmented views per image, z = g(f(view)) through the model,
 * the configured contrastive loss, one optimizer update, the learning rate from linear warm-up + cosine
 * decay (the base rate scaled with the batch size). Checkpoints every `checkpointEvery` steps and at the
 * end; with `resume: 'auto'` it continues from the newest valid checkpoint, and the continued run takes
 * the same steps (data order, augmentations, updates) as an uninterrupted one.
 *
 * @throws SimclrError on a bad config, a dataset smaller than one batch, or a non-finite loss (the update
 * is not applied and the last good checkpoint stays the newest).
 */
export async function pretrain(
  configInput: PretrainConfigInput,
  context: PretrainContext,
): Promise<PretrainResult> {
  const config = parsePretrainConfig(configInput);
  const { model, dataset, augment, checkpoints, onStep, onEpoch, signal } = context;
  const warn = context.onWarning ?? ((m: string) => console.warn(m));
  const stepsPerEpoch = Math.floor(dataset.size / config.batchSize);
  if (stepsPerEpoch < 1) {
    throw new SimclrError(
      `config.batchSize must be <= the dataset size (${dataset.size}) so an epoch has a step, got ${config.batchSize}`,
    );
  }
  const totalSteps = config.epochs * stepsPerEpoch;
  const warmupSteps = Math.min(
    Math.round(config.optimizer.warmupEpochs * stepsPerEpoch),
    Math.floor(totalSteps / 2),
  );
  const schedule = warmupCosine({ baseLr: baseLearningRate(config), warmupSteps, totalSteps });
  const optimizer = createOptimizer(config.optimizer, schedule(0));
  const loss = lossFunction(config.loss);

  const root = createRng(config.seed);
  const dataRng = root.fork();
  const augmentRng = root.fork();
  let step = 0;
  let epoch = 0;
  let stepInEpoch = 0;
  let dataRngAtEpochStart = dataRng.getState();
  let resumedFrom: number | null = null;

  try {
    if (checkpoints !== undefined && config.resume === 'auto') {
      const latest = await checkpoints.latestValid(warn);
      if (latest !== null) {
        const state = await restoreCheckpoint(latest.files, model, optimizer);
        ({ step, epoch, stepInEpoch, dataRngAtEpochStart } = state);
        augmentRng.setState(state.augmentRng);
        resumedFrom = step;
      }
    }

    const stateVariables = [...model.encoder.nonTrainableWeights, ...model.head.nonTrainableWeights].map(
      (w) => w.read() as tf.Variable,
    );
    const state = (): TrainingState => ({
      step,
      epoch,
      stepInEpoch,
      dataRngAtEpochStart,
      augmentRng: augmentRng.getState(),
      config,
    });
    const saveCheckpoint = async () => {
      if (checkpoints !== undefined)
        await checkpoints.save(step, await encodeCheckpoint(model, optimizer, state()));
    };
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
        optimizer.setLearningRate(lr);
        let metrics: StepMetrics;
        // Everything the step creates is freed when the scope ends, also when it throws part-way. Batches
        // prefetched meanwhile are kept by the dataset, so they survive it.
        tf.engine().startScope();
        let r: ReturnType<typeof contrastiveGradients> | undefined;
        try {
          const view1 = augment(batch.images, augmentRng);
          const view2 = augment(batch.images, augmentRng);
          r = contrastiveGradients({
            embed: (x, training) => model.project(x, { training }),
            loss,
            view1,
            view2,
            variables: model.trainableWeights,
            stateVariables,
            ...(config.chunkSize !== undefined && { chunkSize: config.chunkSize }),
          });
          const lossValue = (await r.loss.data())[0]!;
          if (!Number.isFinite(lossValue)) {
            throw new SimclrError(
              `the loss became ${lossValue} at step ${step + 1} (epoch ${epoch}); the update was not applied` +
                (lastSaved !== null ? ` and checkpoint ${lastSaved} is the last good one` : '') +
                '; lower the learning rate or raise the temperature',
            );
          }
          optimizer.applyGradients(r.grads);
          const accuracy = (await contrastiveAccuracy(r.z1, r.z2).data())[0]!;
          step++;
          stepInEpoch++;
          lossSum += lossValue;
          lossCount++;
          metrics = {
            step,
            epoch,
            loss: lossValue,
            lr,
            contrastiveAccuracy: accuracy,
            imagesPerSecond: (batch.images.shape[0] * 1000) / Math.max(now() - t0, 1e-3),
          };
        } finally {
          // The step's results are kept tensors, which a scope does not free.
          if (r !== undefined) tf.dispose([r.loss, r.z1, r.z2, ...Object.values(r.grads)]);
          tf.engine().endScope();
          tf.dispose([batch.images, ...(batch.labels ? [batch.labels] : [])]);
        }
        if (stepInEpoch === stepsPerEpoch) {
          epoch++;
          stepInEpoch = 0;
          dataRngAtEpochStart = dataRng.getState();
        }
        const aborted = signal?.aborted === true;
        const due = config.checkpointEvery > 0 && step % config.checkpointEvery === 0;
        if (due || aborted || step === totalSteps) {
          await saveCheckpoint();
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
  } finally {
    optimizer.dispose();
  }
}

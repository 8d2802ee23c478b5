import {
  assertNumber,
  assertOptionsObject,
  createRng,
  describeValue,
  type ImageBatch,
  type Rng,
  SimclrError,
} from '@simclr/core';
import { type Dataset, iterateBatches } from '@simclr/data';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { balancedSubset } from './balanced-subset.js';
import { encoderModel } from './encoder.js';
import { datasetLabels } from './internal/dataset-labels.js';
import { type ClassifierScore, scoreDataset } from './internal/score-dataset.js';
import { assertOptionalFunction } from './internal/validate.js';

export type { ClassifierScore };

/** Options of {@link fineTune}. */
export interface FineTuneOptions {
  /**
   * The pretrained encoder, trained further in place: a tfjs-layers model (e.g. `SimCLRModel.encoder`)
   * or an object holding one as `encoder` (a `SimCLRModel`). Save a copy first to keep the original.
   */
  encoder: tfl.LayersModel | { readonly encoder: tfl.LayersModel };
  /** The labelled training set the subset is drawn from. */
  dataset: Dataset;
  /**
   * Fraction of each class's examples whose labels are used, in (0, 1]: the paper reports 0.01 and 0.1,
   * and 1 fine-tunes on every label. Required unless `subset` is given. See {@link balancedSubset}.
   */
  labelFraction?: number;
  /** Indices of `dataset` to train on instead of a drawn subset (e.g. a published 1% split). Default: none. */
  subset?: readonly number[];
  /** Draws the subset, then the batch order and the augmentations. Default: `createRng(0)`. */
  rng?: Rng;
  /**
   * Passes over the subset. Default: the paper's, 60 when the subset holds at most 5% of the dataset
   * (its 1% setting), else 30 (its 10% setting).
   */
  epochs?: number;
  /** Images per step; a subset smaller than this is one batch. Default 256. */
  batchSize?: number;
  /** Learning rate of the momentum optimizer. Default 0.05 × batchSize / 256 (the paper's scaling). */
  learningRate?: number;
  /** Nesterov momentum. Default 0.9 (the paper's). */
  momentum?: number;
  /**
   * A tfjs optimizer to use instead of Nesterov momentum SGD, e.g. `tf.train.adam(1e-3)`; then
   * `learningRate` and `momentum` are unused. The caller keeps ownership (it is not disposed). Default: none.
   */
  optimizer?: tf.Optimizer;
  /**
   * Augmentation applied to every training batch; it must return a new tensor. The paper uses random
   * crops with flips only. Default: none (the images as they are).
   */
  augment?: (images: ImageBatch, rng: Rng) => ImageBatch;
  /** A labelled held-out set scored at the end (top-1, top-5, confusion matrix). Default: none. */
  test?: Dataset;
  /** Called after every epoch with its metrics; awaited. Default: none. */
  onEpoch?: (log: FineTuneEpoch) => void | Promise<void>;
}

/** Training metrics of one epoch of {@link fineTune}. */
export interface FineTuneEpoch {
  /** 0-based epoch. */
  epoch: number;
  /** Mean cross-entropy over the epoch's steps. */
  loss: number;
  /** Fraction of the epoch's (augmented) training images classified correctly during their step. */
  accuracy: number;
}

/** What {@link fineTune} produced. */
export interface FineTuneResult {
  /** The new linear head, `[N, D]` → logits `[N, numClasses]`. The caller owns it and disposes it. */
  head: tfl.LayersModel;
  /** Logits `[N, numClasses]` of the fine-tuned encoder and head, batch norm in inference mode. */
  predict(images: ImageBatch): tf.Tensor2D;
  /** The indices of `dataset` trained on, in increasing order. */
  subset: number[];
  /** One entry per epoch. */
  history: FineTuneEpoch[];
  /** The score on `test`, when it was given. */
  test?: ClassifierScore;
}

function checkSubset(subset: unknown, size: number): number[] {
  if (!Array.isArray(subset) || subset.length === 0) {
    throw new SimclrError(
      `subset must be a non-empty array of dataset indices, got ${describeValue(subset)}`,
    );
  }
  subset.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= size) {
      throw new SimclrError(
        `subset must hold integers in 0 … ${size - 1}, got ${describeValue(v)} at position ${i}`,
      );
    }
  });
  return [...subset].sort((a, b) => a - b);
}

function checkDataset(dataset: unknown, name: string): asserts dataset is Dataset & { numClasses: number } {
  if (dataset === null || typeof dataset !== 'object' || typeof (dataset as Dataset).get !== 'function') {
    throw new SimclrError(`${name} must be a Dataset from @simclr/data, got ${describeValue(dataset)}`);
  }
  if ((dataset as Dataset).numClasses === undefined) {
    throw new SimclrError(`${name} must have labels (numClasses is unset)`);
  }
}

/**
 * Semi-supervised fine-tuning, the paper's protocol: a class-balanced fraction of the labels, a new
 * linear head on the encoder's representation h, and the encoder and head trained together with
 * cross-entropy (batch norm in training mode) by Nesterov momentum SGD without weight decay. The
 * encoder's weights change in place.
 *
 * @throws SimclrError for a bad option, a dataset without labels, an encoder that does not output
 * `[N, D]`, a fraction that leaves a class empty, or a non-finite loss.
 */
export async function fineTune(options: FineTuneOptions): Promise<FineTuneResult> {
  assertOptionsObject(options);
  const model = encoderModel(options.encoder);
  if (model === null) {
    throw new SimclrError(
      'encoder must be a tf.LayersModel (or a SimCLRModel) to be fine-tuned, got a function',
    );
  }
  const output = model.outputs[0]!.shape;
  const dim = output[1];
  if (model.outputs.length !== 1 || output.length !== 2 || typeof dim !== 'number') {
    throw new SimclrError(
      `encoder must output [N, D] features, got output shape [${output.map(String).join(',')}]`,
    );
  }
  const { dataset, test, rng = createRng(0), batchSize = 256, momentum = 0.9, augment, onEpoch } = options;
  checkDataset(dataset, 'dataset');
  if (test !== undefined) checkDataset(test, 'test');
  if (rng === null || typeof rng !== 'object' || typeof rng.fork !== 'function') {
    throw new SimclrError(
      `rng must be an Rng (createRng(seed) from @simclr/core), got ${describeValue(rng)}`,
    );
  }
  assertNumber(batchSize, 'batchSize', { min: 1, integer: true });
  const { learningRate = (0.05 * batchSize) / 256 } = options;
  assertNumber(learningRate, 'learningRate', { min: 0, exclusiveMin: true });
  assertNumber(momentum, 'momentum', { min: 0, max: 1 });
  assertOptionalFunction(augment, 'augment');
  assertOptionalFunction(onEpoch, 'onEpoch');
  if (options.optimizer !== undefined && !(options.optimizer instanceof tf.Optimizer)) {
    throw new SimclrError(`optimizer must be a tf.Optimizer, got ${describeValue(options.optimizer)}`);
  }
  let subset: number[];
  if (options.subset !== undefined) {
    subset = checkSubset(options.subset, dataset.size);
  } else {
    if (options.labelFraction === undefined) {
      throw new SimclrError(
        'labelFraction must be given (a number in (0, 1], e.g. 0.01 or 0.1) unless subset is',
      );
    }
    subset = balancedSubset(await datasetLabels(dataset, 'dataset'), options.labelFraction, rng);
  }
  const { epochs = subset.length <= 0.05 * dataset.size ? 60 : 30 } = options;
  assertNumber(epochs, 'epochs', { min: 0, integer: true });
  const dataRng = rng.fork();
  const augmentRng = rng.fork();
  const numClasses = dataset.numClasses;

  const head = tfl.sequential({
    layers: [tfl.layers.dense({ units: numClasses, inputShape: [dim], kernelInitializer: 'zeros' })],
  });
  const optimizer = options.optimizer ?? tf.train.momentum(learningRate, momentum, true);
  const variables = [...model.trainableWeights, ...head.trainableWeights].map((w) => w.read() as tf.Variable);
  const view = {
    size: subset.length,
    get: (indices: readonly number[]) => dataset.get(indices.map((i) => subset[i]!)),
  };
  const history: FineTuneEpoch[] = [];
  const predict = (images: ImageBatch): tf.Tensor2D =>
    tf.tidy(() => head.apply(model.apply(images, { training: false }) as tf.Tensor) as tf.Tensor2D);

  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      let lossSum = 0;
      let steps = 0;
      let hits = 0;
      let seen = 0;
      const batches = iterateBatches(view, {
        batchSize: Math.min(batchSize, subset.length),
        shuffle: true,
        rng: dataRng,
        dropLast: true,
      });
      for await (const { images, labels } of batches) {
        try {
          const [loss, correct] = tf.tidy(() => {
            const input = augment === undefined ? images : augment(images, augmentRng);
            let correct: tf.Tensor | undefined;
            const loss = optimizer.minimize(
              () => {
                const h = model.apply(input, { training: true }) as tf.Tensor;
                const logits = head.apply(h) as tf.Tensor2D;
                correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels!), 'int32')));
                return tf.losses.softmaxCrossEntropy(tf.oneHot(labels!, numClasses), logits) as tf.Scalar;
              },
              true,
              variables,
            )!;
            return [loss, correct!];
          });
          const [lossValue, correctValue] = await Promise.all([loss.data(), correct.data()]).finally(() =>
            tf.dispose([loss, correct]),
          );
          if (!Number.isFinite(lossValue[0]!)) {
            throw new SimclrError(
              `fine-tuning diverged: the loss became ${lossValue[0]} at epoch ${epoch} (lower learningRate)`,
            );
          }
          lossSum += lossValue[0]!;
          steps++;
          hits += correctValue[0]!;
          seen += images.shape[0];
        } finally {
          images.dispose();
          labels?.dispose();
        }
      }
      const log = { epoch, loss: lossSum / steps, accuracy: hits / seen };
      history.push(log);
      await onEpoch?.(log);
    }
    const score =
      test === undefined ? undefined : await scoreDataset(test, predict, numClasses, batchSize, 'test');
    return { head, predict, subset, history, ...(score !== undefined && { test: score }) };
  } catch (error) {
    head.dispose();
    throw error;
  } finally {
    if (options.optimizer === undefined) {
      optimizer.dispose();
      // tfjs 4.22's MomentumOptimizer.dispose does not call SGDOptimizer's, which frees the learning-rate
      // scalar it holds.
      tf.SGDOptimizer.prototype.dispose.call(optimizer);
    }
  }
}

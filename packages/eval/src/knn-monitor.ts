import { assertNumber } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import type { Encoder } from './encoder.js';
import { isEvaluationEpoch, resolveMonitorSource, withMonitorFeatures } from './internal/monitor-options.js';
import { knnEvaluate } from './knn.js';
import { KNN_DEFAULTS } from './knn-defaults.js';

/** Options of {@link knnMonitor}. */
export interface KnnMonitorOptions {
  /**
   * The encoder being trained (see {@link Encoder}); read at every evaluation, so weights updated in
   * place are seen. A function `(images) => model.encode(images)` also follows a model that is replaced.
   */
  encoder: Encoder;
  /** Labelled images whose features are the neighbours, e.g. a training split. */
  train: Dataset;
  /** Labelled held-out images that are classified. */
  test: Dataset;
  /** Evaluate after every `every`-th epoch. Default 1. */
  every?: number;
  /** Neighbours that vote, 1 … train.size. Default 200. */
  k?: number;
  /** τ of the vote weight exp(sim/τ). Default 0.1. */
  temperature?: number;
  /** Images encoded at a time. Default 256. */
  batchSize?: number;
}

/** One reading of the kNN monitor. */
export interface KnnRecord {
  /** The epoch passed to the monitor. */
  epoch: number;
  /** kNN top-1 accuracy on the held-out set. */
  top1: number;
  /** kNN top-5 accuracy on the held-out set. */
  top5: number;
}

/**
 * Evaluates at the end of epoch `epoch` (0-based, as `pretrain` reports it in `onEpoch`) when
 * `(epoch + 1) % every === 0`; otherwise resolves to undefined without doing anything.
 */
export type KnnMonitor = (epoch: number) => Promise<KnnRecord | undefined>;

/**
 * A kNN monitor for pretraining: every few epochs it encodes `train` and `test` with the current
 * encoder and reports the weighted kNN accuracy ({@link knnEvaluate}) of the held-out set, the usual
 * way to watch a self-supervised run without training a classifier.
 *
 * ```ts
 * const monitor = knnMonitor({ encoder: model, train: memoryBank, test: heldOut, every: 5 });
 * await pretrain(config, { model, dataset, augment, onEpoch: async ({ epoch }) => {
 *   const reading = await monitor(epoch);
 *   if (reading) knnHistory.push(reading);
 * } });
 * ```
 *
 * @throws SimclrError at creation for a bad option or a dataset without labels.
 */
export function knnMonitor(options: KnnMonitorOptions): KnnMonitor {
  const source = resolveMonitorSource(options);
  const { k = KNN_DEFAULTS.k, temperature = KNN_DEFAULTS.temperature } = options;
  assertNumber(k, 'k', { min: 1, max: source.train.size, integer: true });
  assertNumber(temperature, 'temperature', { min: 0, exclusiveMin: true });

  return async (epoch: number) => {
    if (!isEvaluationEpoch(epoch, source.every)) return undefined;
    return withMonitorFeatures(source, async (memory, held) => {
      const { top1, top5 } = await knnEvaluate({
        trainFeatures: memory.features,
        trainLabels: memory.labels,
        testFeatures: held.features,
        testLabels: held.labels,
        k,
        temperature,
        numClasses: source.numClasses,
      });
      return { epoch, top1, top5 };
    });
  };
}

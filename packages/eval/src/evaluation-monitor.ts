import { assertNumber, assertOptionsObject } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import type { Encoder } from './encoder.js';
import {
  LinearProbeHead,
  type LinearProbeOptions,
  resolveLinearProbeOptions,
} from './internal/linear-probe-head.js';
import { isEvaluationEpoch, resolveMonitorSource, withMonitorFeatures } from './internal/monitor-options.js';
import { knnEvaluate } from './knn.js';
import { KNN_DEFAULTS } from './knn-defaults.js';
import type { KnnMonitorOptions, KnnRecord } from './knn-monitor.js';
import type { LinearProbeRecord } from './linear-probe-monitor.js';

/** Options of {@link evaluationMonitor}. */
export interface EvaluationMonitorOptions {
  /** The encoder being trained, read at every evaluation (see `knnMonitor`). */
  encoder: Encoder;
  /** Labelled images: the kNN's neighbours and the linear probe's training rows. */
  train: Dataset;
  /** Labelled held-out images that both classify. */
  test: Dataset;
  /** Evaluate after every `every`-th epoch. Default 1. */
  every?: number;
  /** Images encoded at a time. Default 256. */
  batchSize?: number;
  /** The kNN's `k` (default 200) and `temperature` (default 0.1), as in `knnMonitor`. */
  knn?: Pick<KnnMonitorOptions, 'k' | 'temperature'>;
  /** How the linear probe's head is trained, as in `linearProbeMonitor`. Default: its defaults. */
  linear?: LinearProbeOptions;
}

/** One reading of {@link evaluationMonitor}: what `knnMonitor` and `linearProbeMonitor` would report. */
export interface EvaluationRecord {
  /** The epoch passed to the monitor. */
  epoch: number;
  /** The kNN reading. */
  knn: KnnRecord;
  /** The linear probe's reading. */
  linear: LinearProbeRecord;
}

/**
 * Evaluates at the end of epoch `epoch` (0-based) when `(epoch + 1) % every === 0`; otherwise resolves to
 * undefined without doing anything. `dispose()` frees the probe's head.
 */
export type EvaluationMonitor = ((epoch: number) => Promise<EvaluationRecord | undefined>) & {
  dispose(): void;
};

/**
 * `knnMonitor` and `linearProbeMonitor` in one, sharing the feature extraction (which is most of their
 * cost): each evaluation encodes `train` and `test` once, then takes the kNN reading and updates and
 * scores the linear probe on the same features. The readings equal those of the two monitors run
 * separately with the same options.
 *
 * ```ts
 * const monitor = evaluationMonitor({ encoder: model, train: labelledSlice, test: heldOut, every: 5 });
 * await pretrain(config, { model, dataset, augment, onEpoch: async ({ epoch }) => {
 *   const reading = await monitor(epoch);
 *   if (reading) {
 *     knnHistory.push(reading.knn);
 *     linearHistory.push(reading.linear);
 *   }
 * } });
 * monitor.dispose();
 * ```
 *
 * @throws SimclrError at creation for a bad option (`knn.k`, `linear.learningRate`, … are named so) or
 * a dataset without labels.
 */
export function evaluationMonitor(options: EvaluationMonitorOptions): EvaluationMonitor {
  const source = resolveMonitorSource(options);
  const { knn = {}, linear = {} } = options;
  assertOptionsObject(knn, 'knn');
  const { k = KNN_DEFAULTS.k, temperature = KNN_DEFAULTS.temperature } = knn;
  assertNumber(k, 'knn.k', { min: 1, max: source.train.size, integer: true });
  assertNumber(temperature, 'knn.temperature', { min: 0, exclusiveMin: true });
  const head = new LinearProbeHead(resolveLinearProbeOptions(linear, 'linear.'), source.numClasses);

  const monitor = async (epoch: number): Promise<EvaluationRecord | undefined> => {
    if (!isEvaluationEpoch(epoch, source.every)) return undefined;
    head.assertLive();
    return withMonitorFeatures(source, async (train, test) => {
      const { top1, top5 } = await knnEvaluate({
        trainFeatures: train.features,
        trainLabels: train.labels,
        testFeatures: test.features,
        testLabels: test.labels,
        k,
        temperature,
        numClasses: source.numClasses,
      });
      const reading = await head.update(train, test);
      return { epoch, knn: { epoch, top1, top5 }, linear: { epoch, ...reading } };
    });
  };
  return Object.assign(monitor, { dispose: () => head.dispose() });
}

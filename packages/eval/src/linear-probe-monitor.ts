import type { Dataset } from '@simclr/data';
import type { Encoder } from './encoder.js';
import {
  LinearProbeHead,
  type LinearProbeOptions,
  type LinearProbeReading,
  resolveLinearProbeOptions,
} from './internal/linear-probe-head.js';
import { isEvaluationEpoch, resolveMonitorSource, withMonitorFeatures } from './internal/monitor-options.js';

export type { LinearProbeOptions };

/** Options of {@link linearProbeMonitor}: where the features come from, and how the head is trained. */
export interface LinearProbeMonitorOptions extends LinearProbeOptions {
  /**
   * The encoder being trained (see {@link Encoder}); read at every evaluation, so weights updated in
   * place are seen. A function `(images) => model.encode(images)` also follows a model that is replaced.
   */
  encoder: Encoder;
  /** Labelled images whose features the head is trained on, e.g. a slice of the training split. */
  train: Dataset;
  /** Labelled held-out images that the head classifies. */
  test: Dataset;
  /** Evaluate after every `every`-th epoch. Default 1. */
  every?: number;
  /** Images encoded at a time. Default 256. */
  batchSize?: number;
}

/** One reading of the linear probe. */
export interface LinearProbeRecord extends LinearProbeReading {
  /** The epoch passed to the monitor. */
  epoch: number;
}

/**
 * Evaluates at the end of epoch `epoch` (0-based, as `pretrain` reports it in `onEpoch`) when
 * `(epoch + 1) % every === 0`; otherwise resolves to undefined without doing anything. `dispose()`
 * frees the head; the monitor cannot be used after it.
 */
export type LinearProbeMonitor = ((epoch: number) => Promise<LinearProbeRecord | undefined>) & {
  dispose(): void;
};

/**
 * An online linear probe for pretraining, the counterpart of `knnMonitor` and of solo-learn's online
 * linear classifier: a linear head on the representation h that persists across evaluations. At each
 * one it encodes `train` and `test` with the current encoder in inference mode, standardises the
 * features with `train`'s statistics, continues training the head from where the last evaluation left
 * it with `passes` passes of minibatch SGD with momentum on the cross-entropy, and reports the held-out
 * accuracy. The head sees plain feature values, so no gradient reaches the encoder.
 *
 * ```ts
 * const probe = linearProbeMonitor({ encoder: model, train: labelledSlice, test: heldOut, every: 5 });
 * await pretrain(config, { model, dataset, augment, onEpoch: async ({ epoch }) => {
 *   const reading = await probe(epoch);
 *   if (reading) linearHistory.push(reading);
 * } });
 * probe.dispose();
 * ```
 *
 * @throws SimclrError at creation for a bad option or a dataset without labels.
 */
export function linearProbeMonitor(options: LinearProbeMonitorOptions): LinearProbeMonitor {
  const source = resolveMonitorSource(options);
  const head = new LinearProbeHead(resolveLinearProbeOptions(options), source.numClasses);
  const monitor = async (epoch: number): Promise<LinearProbeRecord | undefined> => {
    if (!isEvaluationEpoch(epoch, source.every)) return undefined;
    head.assertLive();
    const reading = await withMonitorFeatures(source, (train, test) => head.update(train, test));
    return { epoch, ...reading };
  };
  return Object.assign(monitor, { dispose: () => head.dispose() });
}

import { assertNumber, assertOptionsObject, describeValue, SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import { type Encoder, encoderModel } from '../encoder.js';
import { extractFeatures, type Features } from '../extract-features.js';

/** The options every pretraining monitor takes. */
export interface MonitorSource {
  encoder: Encoder;
  train: Dataset;
  test: Dataset;
  every?: number;
  batchSize?: number;
}

/** {@link MonitorSource} checked, with its defaults filled in and the number of classes of both splits. */
export interface ResolvedMonitorSource {
  encoder: Encoder;
  train: Dataset;
  test: Dataset;
  every: number;
  batchSize: number;
  numClasses: number;
}

function checkDataset(dataset: unknown, name: string): asserts dataset is Dataset {
  if (dataset === null || typeof dataset !== 'object' || typeof (dataset as Dataset).batches !== 'function') {
    throw new SimclrError(`${name} must be a Dataset from @simclr/data, got ${describeValue(dataset)}`);
  }
  if ((dataset as Dataset).numClasses === undefined) {
    throw new SimclrError(`${name} must have labels (numClasses is unset)`);
  }
}

/** Checks the options a monitor shares with the others (`every` 1, `batchSize` 256 by default). */
export function resolveMonitorSource(options: MonitorSource): ResolvedMonitorSource {
  assertOptionsObject(options);
  const { encoder, train, test, every = 1, batchSize = 256 } = options;
  encoderModel(encoder);
  checkDataset(train, 'train');
  checkDataset(test, 'test');
  assertNumber(every, 'every', { min: 1, integer: true });
  assertNumber(batchSize, 'batchSize', { min: 1, integer: true });
  return {
    encoder,
    train,
    test,
    every,
    batchSize,
    numClasses: Math.max(train.numClasses!, test.numClasses!),
  };
}

/** Whether a monitor evaluates at the end of `epoch` (0-based): when `(epoch + 1) % every === 0`. */
export function isEvaluationEpoch(epoch: unknown, every: number): boolean {
  assertNumber(epoch, 'epoch', { min: 0, integer: true });
  return (epoch + 1) % every === 0;
}

/**
 * Encodes `train` and `test` with the current encoder and calls `use` with their features, which are
 * freed when it settles.
 */
export async function withMonitorFeatures<T>(
  source: ResolvedMonitorSource,
  use: (train: Features, test: Features) => Promise<T>,
): Promise<T> {
  const { encoder, batchSize } = source;
  const train = await extractFeatures(encoder, source.train, { batchSize });
  try {
    const test = await extractFeatures(encoder, source.test, { batchSize });
    try {
      return await use(train, test);
    } finally {
      test.features.dispose();
    }
  } finally {
    train.features.dispose();
  }
}

import { assertBoolean, assertNumber, describeValue, SimclrError } from '@simclr/core';
import type { Batch, BatchOptions, Dataset } from './types.js';

function disposeBatch(batch: Batch): void {
  batch.images.dispose();
  batch.labels?.dispose();
}

function checkBoolean(value: unknown, name: string): void {
  if (value !== undefined) assertBoolean(value, name);
}

/**
 * One epoch of `dataset` in batches, with the next `prefetch` batches prepared while the consumer
 * holds the current one. Options are checked here, before the first batch is asked for.
 */
export function iterateBatches(
  dataset: Pick<Dataset, 'size' | 'get'>,
  options: BatchOptions,
): AsyncGenerator<Batch, void, undefined> {
  if (typeof options !== 'object' || options === null) {
    throw new SimclrError(`batches options must be an object, got ${describeValue(options)}`);
  }
  const { batchSize, shuffle = false, rng, dropLast = true, prefetch = 2, startBatch = 0 } = options;
  assertNumber(batchSize, 'batchSize', { min: 1, integer: true });
  assertNumber(prefetch, 'prefetch', { min: 0, integer: true });
  checkBoolean(shuffle, 'shuffle');
  checkBoolean(dropLast, 'dropLast');
  if (shuffle && typeof rng?.shuffle !== 'function') {
    throw new SimclrError(
      `rng must be an Rng (createRng(seed) from @simclr/core) when shuffle is true, got ${describeValue(rng)}`,
    );
  }

  const { size } = dataset;
  const order = Array.from({ length: size }, (_, i) => i);
  if (shuffle) rng!.shuffle(order);
  const count = dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
  assertNumber(startBatch, 'startBatch', { min: 0, max: count, integer: true });
  const slice = (b: number) => order.slice(b * batchSize, Math.min((b + 1) * batchSize, size));

  async function* run(): AsyncGenerator<Batch, void, undefined> {
    const pending: Promise<Batch>[] = [];
    let started = startBatch;
    try {
      for (let b = startBatch; b < count; b++) {
        while (started < count && started <= b + prefetch) {
          const p = dataset.get(slice(started++));
          // Awaited in turn below; the no-op handler keeps a batch that fails while an earlier one is
          // in use from being reported as an unhandled rejection before its turn comes.
          p.catch(() => {});
          pending.push(p);
        }
        yield await pending.shift()!;
      }
    } finally {
      for (const r of await Promise.allSettled(pending.splice(0))) {
        if (r.status === 'fulfilled') disposeBatch(r.value);
      }
    }
  }
  return run();
}

import { assertOptionsObject } from '@simclr/core';
import { resolveWorkerCount } from '@simclr/core/node';
import { resolveKnnOptions } from '../internal/knn-votes.js';
import { scoreRanks } from '../internal/score-ranks.js';
import type { KnnOptions, KnnResult } from '../knn.js';
import { splitRanges, type WorkerOptions, workerBackend, workerThreads } from './worker-options.js';
import { WorkerPool } from './worker-pool.js';

const CALLER = 'knnEvaluateParallel';

/** Options of {@link knnEvaluateParallel}: those of `knnEvaluate` and the workers'. */
export interface KnnParallelOptions extends KnnOptions, WorkerOptions {}

/**
 * {@link knnEvaluate} with the test rows split across W worker threads: the same top-1, top-5 and
 * predictions.
 *
 * The training features and labels are copied once into shared memory, which every worker reads (each
 * still copies them into its backend); worker w takes the w-th of W contiguous runs of test rows (so at
 * most one worker per test row starts) and computes their votes exactly as `knnEvaluate` does, `chunkSize`
 * rows at a time; the votes are ranked on this thread. Memory grows with W: each worker holds the
 * training features and about 2 × chunkSize × N floats of similarities.
 *
 * @throws SimclrError for the bad input `knnEvaluate` rejects, a `workers` that is not `'auto'` or an
 * integer >= 1, and a worker that fails or exits (naming it; the other workers are terminated).
 */
export async function knnEvaluateParallel(options: KnnParallelOptions): Promise<KnnResult> {
  assertOptionsObject(options);
  const requested = resolveWorkerCount(options.workers, 'workers');
  const backend = workerBackend(options.backend);
  const setup = await resolveKnnOptions(options);
  const { trainFeatures, testFeatures, testLabels, numClasses } = setup;
  const [rows, dim] = trainFeatures.shape;
  const m = testLabels.length;
  const size = Math.min(requested, m);
  const threads = workerThreads(options.threadsPerWorker, size);

  const features = new Float32Array(new SharedArrayBuffer(rows * dim * 4));
  features.set((await trainFeatures.data()) as Float32Array);
  const labels = new Int32Array(new SharedArrayBuffer(rows * 4));
  labels.set(setup.trainLabels);
  const queries = (await testFeatures.data()) as Float32Array;
  const train = {
    features,
    rows,
    dim,
    labels,
    k: setup.k,
    temperature: setup.temperature,
    numClasses,
    chunkSize: setup.chunkSize,
  };
  const pool = new WorkerPool(
    CALLER,
    Array.from({ length: size }, (_, rank) => ({
      rank,
      size,
      backend,
      threads,
      modules: [],
      task: { kind: 'knn' as const, train },
    })),
  );
  const ranges = splitRanges(m, size);
  const votes = new Float64Array(m * numClasses);
  try {
    // The queries go out while the workers still set up: they answer `ready` first.
    await pool.settle([
      pool.ready(),
      ...ranges.map(async ([start, end], rank) => {
        const slice = queries.slice(start * dim, end * dim);
        const reply = await pool.request<'votes'>(rank, { type: 'knn', queries: slice, rows: end - start }, [
          slice.buffer,
        ]);
        votes.set(reply.votes, start * numClasses);
      }),
    ]);
  } finally {
    await pool.close();
  }
  const { top1Hits, top5Hits, predictions } = scoreRanks(votes, testLabels, numClasses);
  return { top1: top1Hits / m, top5: top5Hits / m, predictions };
}

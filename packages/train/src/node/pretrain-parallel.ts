import { availableParallelism } from 'node:os';
import { resolveWorkerCount, startWorker } from '@simclr/core/node';
import type { PretrainConfigInput } from '../config.js';
import {
  pretrainReplicated,
  type ReplicaChannel,
  type ReplicatedPretrainContext,
  type ReplicatedPretrainResult,
} from '../pretrain-replicated.js';
import type { ReplicaReply } from '../replica-protocol.js';

/** Everything `pretrainParallel` works on besides the JSON-able config. */
export interface ParallelPretrainContext extends Omit<ReplicatedPretrainContext, 'workers' | 'spawn'> {
  /** Number of worker threads, or `'auto'` for one per core (`os.availableParallelism()`). Default 'auto'. */
  workers?: number | 'auto';
  /** Threads of each worker's parallel kernels (`native`). Default: the cores shared evenly by the workers. */
  threadsPerWorker?: number;
}

/** How a parallel run ended. */
export type ParallelPretrainResult = ReplicatedPretrainResult;

/** Starts worker thread `rank` on `replica-worker.js` and wraps it as a {@link ReplicaChannel}. */
function spawnThread(): ReplicaChannel {
  const worker = startWorker(new URL('./replica-worker.js', import.meta.url), undefined);
  return {
    post: (message, transfer) => worker.postMessage(message, transfer as never),
    onMessage: (handler) => worker.on('message', (m: ReplicaReply) => handler(m)),
    onFailure: (handler) => {
      worker.on('error', (e) => handler(`failed: ${e.message}`, e.stack));
      worker.on('exit', (code) => handler(`exited with code ${code}`));
    },
    terminate: () => worker.terminate(),
  };
}

/**
 * SimCLR pretraining on every core: `pretrainReplicated` on Node `worker_threads`, one whole tfjs
 * instance per thread, each training the same model on its shard of every batch. The workers'
 * embeddings are all-gathered so the loss sees all 2·batchSize views as negatives, with the exact gradient
 * flowing back to each worker's own embeddings (the official code's cross-replica concat); their
 * gradients are summed through shared memory and every worker applies the same update. Data order,
 * learning-rate schedule, checkpoints, resume, the abort signal and the stop on a non-finite loss are
 * `pretrain`'s: the loop runs on this thread and checkpoints are written here, once for the whole run. A
 * run can resume from a checkpoint written with another worker count.
 *
 * @throws SimclrError on a bad config, a batch size that the workers do not divide, or a worker that fails
 * or exits (naming the worker); the checkpoints written before stay valid.
 */
export async function pretrainParallel(
  config: PretrainConfigInput,
  context: ParallelPretrainContext,
): Promise<ParallelPretrainResult> {
  const workers = resolveWorkerCount(context.workers, 'pretrainParallel: workers');
  const threadsPerWorker =
    context.threadsPerWorker ?? Math.max(1, Math.floor(availableParallelism() / workers));
  return pretrainReplicated(
    config,
    { ...context, workers, threadsPerWorker, spawn: spawnThread },
    'pretrainParallel',
  );
}

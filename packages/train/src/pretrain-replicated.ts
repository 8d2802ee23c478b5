import { activeBackend, type BackendName, type ImageBatch, type Rng, SimclrError } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import type { SimCLRModel } from '@simclr/models';
import type * as tf from '@tensorflow/tfjs-core';
import { encodeModel, readTrainingState, writeModelWeights } from './checkpoint-payload.js';
import type { CheckpointFiles, CheckpointSink } from './checkpoint-sink.js';
import { type PretrainConfigInput, parsePretrainConfig } from './config.js';
import { lossSupportsReplicas } from './contrastive-update.js';
import type {
  AugmentSpec,
  ReplicaInit,
  ReplicaMemory,
  ReplicaReply,
  ReplicaRequest,
} from './replica-protocol.js';
import { abortSharedMemory, createSharedMemory, type SharedMemory } from './shared-memory-collective.js';
import {
  type EpochSummary,
  type PretrainResult,
  type RunStart,
  runTrainingLoop,
  type StepMetrics,
  type StepRunner,
} from './training-loop.js';

/**
 * A started worker as the coordinator sees it: a Node `Worker`, a browser `Worker`, or any other channel
 * to a thread that runs `runReplica`.
 */
export interface ReplicaChannel {
  post(message: ReplicaRequest, transfer?: Transferable[]): void;
  onMessage(handler: (message: ReplicaReply) => void): void;
  /** Called when the worker dies: `what` reads like 'exited with code 3' or 'failed: <message>'. */
  onFailure(handler: (what: string, stack?: string) => void): void;
  terminate(): unknown;
}

/** Everything `pretrainReplicated` works on besides the JSON-able config. */
export interface ReplicatedPretrainContext {
  /**
   * The initial weights, copied to every worker. The workers' weights are copied back into it before every
   * `onEpoch` call (so an epoch-end monitor such as `knnMonitor` sees them) and when the run ends.
   */
  model: SimCLRModel;
  /** Images to learn from, read on this thread; each step's batch is split evenly over the workers. */
  dataset: Dataset;
  /** How each worker builds the augmentation it applies twice per image (see {@link AugmentSpec}). */
  augment: AugmentSpec;
  /** Number of workers. */
  workers: number;
  /** Starts worker `rank` (running `runReplica`); the coordinator then sends it its `init` request. */
  spawn: (rank: number) => ReplicaChannel;
  /** The workers' backend. Default: the one active on this thread (`activeBackend()`, `native` included). */
  backend?: BackendName | BackendName[];
  /** Threads of each worker's parallel kernels (`native`). Default: the backend's own choice. */
  threadsPerWorker?: number;
  /**
   * Normalise batch norm with the statistics of the whole global batch, reduced across workers (the
   * official code's `global_bn`). Default false: each worker normalises with its shard's statistics, and
   * the moving statistics are averaged across workers after every step.
   */
  globalBatchNorm?: boolean;
  /** Steps between two checks that all workers hold bit-identical weights (0: never). Default 100. */
  syncCheckEvery?: number;
  /** Where checkpoints go (and come from, with `resume: 'auto'`); written by this thread. Default none. */
  checkpoints?: CheckpointSink;
  onStep?: (metrics: StepMetrics) => void | Promise<void>;
  onEpoch?: (summary: EpochSummary) => void | Promise<void>;
  /** After every step, each worker's memory (index = worker). */
  onWorkerMemory?: (memory: ReplicaMemory[]) => void;
  /** When it aborts, the current step finishes, a checkpoint is written and `pretrainParallel` returns. */
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
  /** Called once the resume is settled, before the first step (see `PretrainContext.onStart`). */
  onStart?: (start: RunStart) => void | Promise<void>;
}

/** How a replicated run ended. */
export interface ReplicatedPretrainResult extends PretrainResult {
  /** Workers that trained. */
  workers: number;
  /** Each worker's largest memory figures over the run. */
  peakMemory: ReplicaMemory[];
}

type Reply<T extends ReplicaReply['type']> = Extract<ReplicaReply, { type: T }>;

/** One worker thread and the request it is answering. */
class WorkerHandle {
  private pending: { resolve: (r: ReplicaReply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private closing = false;
  readonly peak: ReplicaMemory = { numTensors: 0, numBytes: 0, wasmHeapBytes: 0, jsHeapBytes: 0 };
  readonly ready: Promise<Reply<'ready'>>;

  constructor(
    private readonly channel: ReplicaChannel,
    readonly rank: number,
    private readonly size: number,
    private readonly onFailure: (e: Error) => void,
    private readonly caller: string,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.pending = { resolve: resolve as (r: ReplicaReply) => void, reject };
    });
    channel.onMessage((m) => {
      if (m.type === 'error') return this.fail(`failed: ${m.message}`, m.stack);
      if ('memory' in m) this.track(m.memory);
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(m);
    });
    channel.onFailure((what, stack) => {
      if (!this.closing || this.pending !== undefined) this.fail(what, stack);
    });
  }

  /** Posts a request that `ready` (not a pending request) answers: the `init`. */
  send(message: ReplicaRequest): void {
    this.channel.post(message);
  }

  request<T extends ReplicaReply['type']>(
    message: ReplicaRequest,
    transfer: Transferable[] = [],
  ): Promise<Reply<T>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve: resolve as (r: ReplicaReply) => void, reject };
      this.channel.post(message, transfer);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.failure === undefined) {
      try {
        await Promise.race([this.request({ type: 'close' }), new Promise((r) => setTimeout(r, 10_000))]);
      } catch {
        // Already reported through the run's error.
      }
    }
    await this.channel.terminate();
  }

  private track(m: ReplicaMemory): void {
    this.peak.numTensors = Math.max(this.peak.numTensors, m.numTensors);
    this.peak.numBytes = Math.max(this.peak.numBytes, m.numBytes);
    this.peak.wasmHeapBytes = Math.max(this.peak.wasmHeapBytes, m.wasmHeapBytes);
    this.peak.jsHeapBytes = Math.max(this.peak.jsHeapBytes, m.jsHeapBytes);
  }

  private fail(what: string, stack?: string): void {
    if (this.failure !== undefined) return;
    const error = new SimclrError(`${this.caller}: worker ${this.rank} of ${this.size} ${what}`);
    if (stack !== undefined) error.stack = `${error.message}\n${stack}`;
    this.failure = error;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(error);
    if (!this.closing) this.onFailure(error);
  }
}

/** Floats the largest collective carries: every weight (gradients, checksums) or a shard's embeddings. */
function collectiveCapacity(model: SimCLRModel, shard: number): number {
  const weights = [...model.encoder.weights, ...model.head.weights].reduce(
    (n, w) => n + (w.read() as tf.Variable).size,
    0,
  );
  const zDim = model.head.outputs[0]!.shape[1] ?? 1;
  return Math.max(weights, shard * zDim, 2);
}

function toMap(files: CheckpointFiles): Map<string, Uint8Array> {
  return new Map(
    Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]),
  );
}

/**
 * SimCLR pretraining on W workers that `context.spawn` starts (`pretrainParallel` from
 * `@simclr/train/node` starts Node worker threads; a browser app starts Web Workers whose module calls
 * `runReplica`), each a whole tfjs instance training the same model on its shard of every batch: the step
 * of `pretrain`, made data-parallel. It runs wherever `SharedArrayBuffer` exists (a browser page must be
 * cross-origin isolated). The workers' embeddings
 * are all-gathered so the loss sees all 2·batchSize views as negatives, with the exact gradient flowing
 * back to each worker's own embeddings (the official code's cross-replica concat); their gradients are
 * summed through shared memory and every worker applies the same update. Data order, learning-rate
 * schedule, checkpoints, resume, the abort signal and the stop on a non-finite loss are `pretrain`'s: the
 * loop runs on this thread and checkpoints are written here, once for the whole run. A run can resume
 * from a checkpoint written with another worker count.
 *
 * @throws SimclrError on a bad config, a batch size that the workers do not divide, or a worker that fails
 * or exits (naming the worker); the checkpoints written before stay valid.
 */
export async function pretrainReplicated(
  configInput: PretrainConfigInput,
  context: ReplicatedPretrainContext,
  caller = 'pretrainReplicated',
): Promise<ReplicatedPretrainResult> {
  const config = parsePretrainConfig(configInput);
  const size = context.workers;
  if (!Number.isInteger(size) || size < 1) {
    throw new SimclrError(`${caller}: workers must be an integer >= 1, got ${size}`);
  }
  if (!lossSupportsReplicas(config.loss.name)) {
    throw new SimclrError(
      `${caller}: config.loss.name '${config.loss.name}' trains on one thread only (use pretrain); the replicas split nt-xent, nt-logistic and margin-triplet`,
      { code: 'unavailable' },
    );
  }
  if (config.batchSize % size !== 0) {
    throw new SimclrError(
      `${caller}: config.batchSize (${config.batchSize}) must be a multiple of the number of workers (${size})`,
    );
  }
  const syncCheckEvery = context.syncCheckEvery ?? 100;
  const shard = config.batchSize / size;
  const { model } = context;
  const memory: SharedMemory = createSharedMemory(size, collectiveCapacity(model, shard));
  const modelFiles = await encodeModel(model);
  let failure: Error | undefined;
  const onFailure = (e: Error) => {
    failure ??= e;
    abortSharedMemory(memory);
  };
  const handles = Array.from({ length: size }, (_, rank) => {
    const init: ReplicaInit = {
      rank,
      memory,
      backend: context.backend ?? activeBackend(),
      threads: context.threadsPerWorker,
      config,
      model: modelFiles,
      augment: context.augment,
      globalBatchNorm: context.globalBatchNorm ?? false,
      syncCheckEvery,
    };
    const handle = new WorkerHandle(context.spawn(rank), rank, size, onFailure, caller);
    handle.send({ type: 'init', init });
    return handle;
  });
  /** Sends one request to every worker; the first failure (the cause, not the aborts it set off) wins. */
  const all = async <T extends ReplicaReply['type']>(
    make: (rank: number) => [ReplicaRequest, Transferable[]?],
  ) => {
    const replies = await Promise.allSettled(handles.map((h) => h.request<T>(...make(h.rank))));
    if (failure !== undefined) throw failure;
    return replies.map((r) => (r as PromiseFulfilledResult<Reply<T>>).value);
  };

  let step = 0;
  const runner: StepRunner = {
    async restore(files) {
      await all(() => [{ type: 'restore', files }]);
      step = readTrainingState(files).step;
    },
    async step(images: ImageBatch, lr: number, rng: Rng) {
      const data = (await images.data()) as Float32Array;
      const [, h, w, c] = images.shape;
      const per = shard * h * w * c;
      step++;
      const replies = await all<'stepped'>((rank) => {
        const part = data.slice(rank * per, (rank + 1) * per);
        return [
          { type: 'step', step, images: part, shape: [shard, h, w, c], lr, rng: rng.fork().getState() },
          [part.buffer],
        ];
      });
      context.onWorkerMemory?.(replies.map((r) => r.memory));
      // A non-finite loss is the same on every replica; the first that found a cause names it.
      const source = replies.find((r) => r.source !== undefined)?.source;
      return {
        loss: replies[0]!.loss,
        accuracy: replies[0]!.accuracy,
        ...(source !== undefined && { source }),
      };
    },
    async checkpoint(state) {
      const reply = await handles[0]!.request<'files'>({ type: 'checkpoint', state });
      return reply.files;
    },
  };

  try {
    await Promise.allSettled(handles.map((h) => h.ready));
    if (failure !== undefined) throw failure;
    const syncModel = async () => {
      const { files } = await handles[0]!.request<'files'>({ type: 'weights' });
      writeModelWeights(toMap(files), model);
    };
    const { onEpoch } = context;
    const result = await runTrainingLoop(
      config,
      {
        ...context,
        onEpoch:
          onEpoch === undefined
            ? undefined
            : async (summary) => {
                await syncModel();
                await onEpoch(summary);
              },
      },
      runner,
    );
    await syncModel();
    return { ...result, workers: size, peakMemory: handles.map((h) => ({ ...h.peak })) };
  } catch (error) {
    throw failure ?? error;
  } finally {
    if (failure !== undefined) abortSharedMemory(memory);
    await Promise.all(handles.map((h) => h.close()));
  }
}

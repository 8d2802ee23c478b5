/**
 * The machine's own scaling ceiling for data-parallel training: W worker threads, each running the
 * single-process training step of `simclr-step.ts` on its shard of the batch (B/W images) with no
 * communication at all, timed concurrently. Their combined throughput over that of one worker on the
 * whole batch is the most any data-parallel trainer could reach here: what is lost below it is lost to
 * the machine (shared caches, memory bandwidth, cores that are not really free), not to the trainer.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '@simclr/core/node';
import type { ModelName, Protocol } from './cases.js';
import { median } from './measure.js';

/** What each worker of `independent-worker.ts` starts with. */
export interface IndependentInit {
  model: ModelName;
  /** This worker's shard: source images per step. */
  batch: number;
  protocol: Protocol;
  /** Workers in the team: the worker that finishes its timed steps last makes the count reach this. */
  workers: number;
  /** Int32 cells at {@link GO} and {@link DONE}, shared by the team. */
  signals: SharedArrayBuffer;
}

/** Set to 1 by the coordinating thread when every worker has warmed up: the timed steps start together. */
export const GO = 0;
/** Workers that have finished their timed steps; each keeps stepping (untimed) until all have. */
export const DONE = 1;

/** Messages of a worker, in order: ready (warm), then done, or an error at any point. */
export type IndependentReply =
  | { type: 'ready' }
  | { type: 'done'; stepMs: number[]; loss: number; wasmHeapBytes: number }
  | { type: 'error'; message: string; stack?: string | undefined };

export interface IndependentWorker {
  /** Wall time of each of its timed steps, ms. */
  stepMs: number[];
  /** 2·shard / median step time. */
  imagesPerSecond: number;
  loss: number;
  /** Size of its wasm heap at the end (the heap only grows). */
  wasmHeapBytes: number;
}

export interface IndependentMeasurement {
  workers: number;
  perWorker: IndependentWorker[];
  /** The team's combined throughput: the sum of its workers' images per second. */
  imagesPerSecond: number;
}

type Done = Extract<IndependentReply, { type: 'done' }>;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Observed here: one failure rejects both replies, and the caller may be awaiting only one of them.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** One worker's two replies as promises; any failure (error message, crash, early exit) rejects both. */
function replies(worker: Worker, rank: number): { ready: Promise<void>; done: Promise<Done> } {
  const ready = deferred<void>();
  const done = deferred<Done>();
  let finished = false;
  const fail = (what: string, stack?: string) => {
    const error = new Error(`independent worker ${rank}: ${what}`);
    if (stack !== undefined) error.stack = `${error.message}\n${stack}`;
    ready.reject(error);
    done.reject(error);
  };
  worker.on('message', (m: IndependentReply) => {
    if (m.type === 'ready') ready.resolve();
    else if (m.type === 'done') {
      finished = true;
      done.resolve(m);
    } else fail(m.message, m.stack);
  });
  worker.on('error', (e) => fail(e.message, e.stack));
  worker.on('exit', (code) => {
    if (!finished) fail(`exited with code ${code} before reporting`);
  });
  return { ready: ready.promise, done: done.promise };
}

/**
 * Runs `workers` independent workers on `batch / workers` images each: every worker warms up, then all
 * start their timed steps at once (`protocol`'s minimum, maximum and seconds apply to each), and each
 * keeps the machine as busy after its timed steps as before, until the last has finished, so that every
 * timed step ran beside all the others.
 */
export async function measureIndependent(
  model: ModelName,
  batch: number,
  workers: number,
  protocol: Protocol,
): Promise<IndependentMeasurement> {
  const signals = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const init: IndependentInit = { model, batch: batch / workers, protocol, workers, signals };
  const threads = Array.from({ length: workers }, () =>
    startWorker(new URL('./independent-worker.js', import.meta.url), init),
  );
  try {
    const team = threads.map((w, rank) => replies(w, rank));
    await Promise.all(team.map((t) => t.ready));
    const cells = new Int32Array(signals);
    Atomics.store(cells, GO, 1);
    Atomics.notify(cells, GO);
    const done = await Promise.all(team.map((t) => t.done));
    const perWorker = done.map((d) => ({
      stepMs: d.stepMs,
      imagesPerSecond: (2 * init.batch) / (median(d.stepMs) / 1000),
      loss: d.loss,
      wasmHeapBytes: d.wasmHeapBytes,
    }));
    return { workers, perWorker, imagesPerSecond: perWorker.reduce((sum, w) => sum + w.imagesPerSecond, 0) };
  } finally {
    // Also ends workers still waiting for GO when another failed.
    await Promise.all(threads.map((w) => w.terminate()));
  }
}

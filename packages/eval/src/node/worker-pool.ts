import type { Worker } from 'node:worker_threads';
import { SimclrError } from '@simclr/core';
import { startWorker } from '@simclr/core/node';
import type { EvalReply, EvalRequest, EvalWorkerInit } from './worker-protocol.js';

type Reply<T extends EvalReply['type']> = Extract<EvalReply, { type: T }>;

interface Pending {
  resolve: (reply: EvalReply) => void;
  reject: (error: Error) => void;
}

/** One worker thread and the requests it has not answered yet, oldest first (it answers in order). */
class WorkerHandle {
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;
  private closing = false;
  /** Settles with the worker's `ready`. */
  readonly ready: Promise<EvalReply>;

  constructor(
    private readonly worker: Worker,
    private readonly label: string,
    private readonly onFailure: (error: Error) => void,
  ) {
    this.ready = new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
    // Failures are reported through the pool; this keeps an unawaited `ready` from going unhandled.
    this.ready.catch(() => {});
    worker.on('message', (m: EvalReply) => {
      if (m.type === 'error') this.fail(`failed: ${m.message}`, m.stack);
      else this.pending.shift()?.resolve(m);
    });
    worker.on('error', (e) => this.fail(`failed: ${e.message}`, e.stack));
    worker.on('exit', (code) => {
      if (!this.closing || this.pending.length > 0) this.fail(`exited with code ${code}`);
    });
  }

  request(message: EvalRequest, transfer: Transferable[] = []): Promise<EvalReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    // A terminated worker drops what it is sent: the request would wait forever.
    if (this.closing) return Promise.reject(new SimclrError(`${this.label} was stopped`));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(message, transfer as never);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private fail(what: string, stack?: string): void {
    if (this.failure !== undefined) return;
    const error = new SimclrError(`${this.label} ${what}`);
    if (stack !== undefined) error.stack = `${error.message}\n${stack}`;
    this.failure = error;
    for (const p of this.pending.splice(0)) p.reject(error);
    if (!this.closing) this.onFailure(error);
  }
}

/**
 * W worker threads running `eval-worker`, each answering its requests in order. The first worker that
 * fails (throws, or exits) is the pool's failure, named in a `SimclrError` ("extractFeaturesParallel:
 * worker 1 of 2 exited with code 3"); every other worker is terminated at once, so no request waits on
 * a worker that will never answer.
 */
export class WorkerPool {
  private readonly handles: WorkerHandle[];
  private firstFailure: Error | undefined;

  constructor(caller: string, inits: readonly EvalWorkerInit[]) {
    const script = new URL('./eval-worker.js', import.meta.url);
    this.handles = inits.map(
      (init) =>
        new WorkerHandle(
          startWorker(script, init),
          `${caller}: worker ${init.rank} of ${init.size}`,
          (error) => {
            if (this.firstFailure !== undefined) return;
            this.firstFailure = error;
            void this.close();
          },
        ),
    );
  }

  /** The first worker failure, if any. */
  get failure(): Error | undefined {
    return this.firstFailure;
  }

  /** Number of workers. */
  get size(): number {
    return this.handles.length;
  }

  /** Resolves once every worker has set up its backend and data. */
  async ready(): Promise<void> {
    await this.settle(this.handles.map((h) => h.ready));
  }

  /** Sends `message` to worker `rank`; resolves with its answer. */
  async request<T extends EvalReply['type']>(
    rank: number,
    message: EvalRequest,
    transfer: Transferable[] = [],
  ): Promise<Reply<T>> {
    return (await this.handles[rank]!.request(message, transfer)) as Reply<T>;
  }

  /**
   * Waits for all of `work`; throws the pool's failure when there is one (the cause, not the rejections
   * it set off), else the first rejection.
   */
  async settle<T>(work: readonly Promise<T>[]): Promise<T[]> {
    const results = await Promise.allSettled(work);
    if (this.firstFailure !== undefined) throw this.firstFailure;
    const rejected = results.find((r) => r.status === 'rejected');
    if (rejected !== undefined) throw rejected.reason;
    return results.map((r) => (r as PromiseFulfilledResult<T>).value);
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.close()));
  }
}

import type { ReplicaChannel } from '@simclr/train';

/**
 * Whether this page can train on several Web Workers: `pretrainReplicated` shares memory between them
 * (`SharedArrayBuffer`), which a browser gives only to a cross-origin isolated page (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`).
 */
export function canTrainOnWorkers(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
}

/** The most workers the page offers: one per logical core the browser reports. */
export function maxWorkers(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/** `requested` as a worker count in [1, maxWorkers()]; anything that is not a number means all cores. */
export function clampWorkers(requested: number): number {
  if (!Number.isFinite(requested)) return maxWorkers();
  return Math.min(Math.max(1, Math.round(requested)), maxWorkers());
}

/** The largest multiple of `workers` that is at most `batchSize` (and at least `workers`). */
export function batchForWorkers(batchSize: number, workers: number): number {
  return Math.max(workers, Math.floor(batchSize / workers) * workers);
}

/**
 * `pretrainReplicated`'s `spawn`: starts replica `rank` as a module Web Worker on `replica.worker.ts`
 * (Vite bundles it with its own copy of tfjs) and wraps it as a `ReplicaChannel`.
 */
export function spawnReplica(rank: number): ReplicaChannel {
  const worker = new Worker(new URL('./replica.worker.ts', import.meta.url), {
    type: 'module',
    name: `simclr replica ${rank}`,
  });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (handler) => {
      worker.onmessage = (event) => handler(event.data);
    },
    onFailure: (handler) => {
      worker.onerror = (event) => {
        // The coordinator reports it (naming the worker); the console need not report it again.
        event.preventDefault();
        // A worker whose module fails to load gets a plain Event, without a message.
        const message = event instanceof ErrorEvent && event.message ? event.message : 'could not be started';
        handler(
          `failed: ${message}`,
          event instanceof ErrorEvent && event.error instanceof Error ? event.error.stack : undefined,
        );
      };
      worker.onmessageerror = () => handler('failed: a message from it could not be deserialised');
    },
    terminate: () => worker.terminate(),
  };
}

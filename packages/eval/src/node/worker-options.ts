import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { activeBackend, assertNumber, type BackendName, describeValue, SimclrError } from '@simclr/core';

/** The options every parallel entry takes besides its own. */
export interface WorkerOptions {
  /**
   * Worker threads, or `'auto'` for one per core (`os.availableParallelism()`). Fewer start when there
   * is less work than workers. Default 'auto'.
   */
  workers?: number | 'auto';
  /**
   * The workers' backend (see `setupBackend`). Default: the backend active on this thread
   * (`activeBackend()`, so `native` when this thread set it up).
   */
  backend?: BackendName | readonly BackendName[];
  /** Threads of each worker's parallel kernels (`native`). Default: the cores shared evenly by the workers. */
  threadsPerWorker?: number;
}

/** The workers' backend: `backend` as given, else the one active on this thread. */
export function workerBackend(backend: unknown): BackendName | readonly BackendName[] {
  if (backend === undefined) return activeBackend();
  if (
    typeof backend === 'string' ||
    (Array.isArray(backend) && backend.every((b) => typeof b === 'string'))
  ) {
    return backend as BackendName | BackendName[];
  }
  throw new SimclrError(`backend must be a backend name or a list of them, got ${describeValue(backend)}`);
}

/** Module URLs for a worker to import: a URL, a URL string (`file:…`) or a file path as given. */
export function moduleUrls(modules: unknown): string[] {
  if (modules === undefined) return [];
  if (!Array.isArray(modules)) {
    throw new SimclrError(`modules must be an array of URLs or file paths, got ${describeValue(modules)}`);
  }
  return modules.map((m, i) => {
    if (m instanceof URL) return m.href;
    if (typeof m !== 'string' || m === '') {
      throw new SimclrError(`modules must hold URLs or file paths, got ${describeValue(m)} at index ${i}`);
    }
    // A scheme of two letters or more: a drive letter (C:\…) is a path.
    return /^[a-z][a-z0-9+.-]+:/i.test(m) ? m : pathToFileURL(resolve(m)).href;
  });
}

/** `count` items split into `parts` contiguous ranges whose sizes differ by at most one. */
export function splitRanges(count: number, parts: number): [start: number, end: number][] {
  return Array.from({ length: parts }, (_, r) => [
    Math.floor((r * count) / parts),
    Math.floor(((r + 1) * count) / parts),
  ]);
}

/** Kernel threads per worker: `threadsPerWorker` as given, else the cores shared evenly by `workers`. */
export function workerThreads(threadsPerWorker: unknown, workers: number): number {
  if (threadsPerWorker === undefined) return Math.max(1, Math.floor(availableParallelism() / workers));
  assertNumber(threadsPerWorker, 'threadsPerWorker', { min: 1, integer: true });
  return threadsPerWorker;
}

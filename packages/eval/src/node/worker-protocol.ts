import type { BackendName } from '@simclr/core';

/** A tfjs-layers model as it crosses into a worker: what `model.save` hands an IO handler. */
export interface ModelArtifactsMessage {
  modelTopology: object;
  weightSpecs: unknown[];
  weightData: ArrayBuffer | ArrayBuffer[];
}

/** The training side of a kNN search, shared by all workers without copies. */
export interface KnnTrainMessage {
  /** `[rows, dim]` float32, over a `SharedArrayBuffer`. */
  features: Float32Array;
  rows: number;
  dim: number;
  /** One class per row, over a `SharedArrayBuffer`. */
  labels: Int32Array;
  k: number;
  temperature: number;
  numClasses: number;
  chunkSize: number;
}

/** The `workerData` of an eval worker: its place, backend and what it works with. */
export interface EvalWorkerInit {
  rank: number;
  size: number;
  backend: BackendName | readonly BackendName[];
  /** Threads of the backend's parallel kernels (`native`). */
  threads: number;
  /** Module URLs imported before anything else, e.g. to register custom layer classes. */
  modules: readonly string[];
  task: { kind: 'features'; model: ModelArtifactsMessage } | { kind: 'knn'; train: KnnTrainMessage };
}

/** What the calling thread asks a worker; it answers them in order, until it is terminated. */
export type EvalRequest =
  | { type: 'encode'; images: Float32Array; shape: [number, number, number, number] }
  | { type: 'knn'; queries: Float32Array; rows: number };

/** A worker's answers: `ready` once set up, then one per request; `error` ends the work. */
export type EvalReply =
  | { type: 'ready' }
  | { type: 'encoded'; features: Float32Array; dim: number }
  | { type: 'votes'; votes: Float64Array }
  | { type: 'error'; message: string; stack?: string };

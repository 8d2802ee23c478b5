import type { BackendName, RngState } from '@simclr/core';
import type { TrainingState } from './checkpoint-payload.js';
import type { CheckpointFiles } from './checkpoint-sink.js';
import type { PretrainConfig } from './config.js';
import type { SharedMemory } from './shared-memory-collective.js';

/**
 * How a replica builds its augmentation: SimCLR's (`simclrAugment` options from `@simclr/augment`), or
 * the named export (default `default`) of a module (a `file:` or `http(s):` URL the worker can import),
 * called as `factory(args, { rank, size })` and returning an `AugmentFn` (or a promise of one).
 * Functions cannot cross into a worker, so the recipe does.
 */
export type AugmentSpec =
  | { simclr: import('@simclr/augment').SimclrAugmentOptions }
  | { module: string; export?: string; args?: unknown };

/** What a replica starts with. */
export interface ReplicaInit {
  rank: number;
  memory: SharedMemory;
  backend: BackendName | BackendName[];
  /** Threads of the backend's own parallel kernels (`native`), so workers × threads fit the cores. */
  threads?: number | undefined;
  config: PretrainConfig;
  /** The initial model, as `encodeModel` writes it. */
  model: CheckpointFiles;
  augment: AugmentSpec;
  globalBatchNorm: boolean;
  /** Steps between two checks that every replica holds the same weights (0: never). */
  syncCheckEvery: number;
}

/** What a replica reports of its memory. */
export interface ReplicaMemory {
  /** Tensors alive in its tfjs engine. */
  numTensors: number;
  /** Bytes those tensors hold. */
  numBytes: number;
  /** Size of its wasm heap (0 on other backends): the high-water mark of the wasm backend's memory. */
  wasmHeapBytes: number;
  /** Bytes used on its JavaScript heap (Node: its isolate's `heapUsed`; 0 where unknown). */
  jsHeapBytes: number;
}

/** Requests from the coordinator, each answered with one {@link ReplicaReply}; `init` comes first. */
export type ReplicaRequest =
  | { type: 'init'; init: ReplicaInit }
  | { type: 'restore'; files: Map<string, Uint8Array> }
  | { type: 'step'; step: number; images: Float32Array; shape: number[]; lr: number; rng: RngState }
  | { type: 'checkpoint'; state: TrainingState }
  | { type: 'weights' }
  | { type: 'close' };

/** Replies of a replica. */
export type ReplicaReply =
  | { type: 'ready'; memory: ReplicaMemory }
  | { type: 'restored' }
  | { type: 'stepped'; loss: number; accuracy: number; source?: string; memory: ReplicaMemory }
  | { type: 'files'; files: CheckpointFiles }
  | { type: 'closed' }
  | { type: 'error'; message: string; stack?: string | undefined };

/** The two ends a replica talks through: a Node `MessagePort` or a Web Worker's global scope. */
export interface ReplicaPort {
  post(message: ReplicaReply, transfer?: Transferable[]): void;
  onMessage(handler: (message: ReplicaRequest) => void): void;
}

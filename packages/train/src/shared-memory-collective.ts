import { SimclrError } from '@simclr/core';
import type { Collective } from './collective.js';

/** Indices into the control words. */
const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;
const CONTROL_WORDS = 4;

/** How long one wait sleeps before it looks at the abort word again (ms). */
const WAIT_SLICE_MS = 200;

/**
 * The memory a team of replicas on one machine shares: control words for the barrier and a float buffer
 * with one slot per replica plus one for results. Create it once (`createSharedMemory`), hand it to every
 * replica (it can be posted to workers), and build each replica's {@link SharedMemoryCollective} on it.
 */
export interface SharedMemory {
  readonly size: number;
  /** Floats per slot: the longest array a collective may carry. */
  readonly capacity: number;
  readonly control: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
}

/**
 * Allocates the shared memory of `size` replicas whose collectives carry at most `capacity` floats.
 *
 * @throws SimclrError where `SharedArrayBuffer` does not exist (a browser page that is not cross-origin
 * isolated).
 */
export function createSharedMemory(size: number, capacity: number): SharedMemory {
  if (!Number.isInteger(size) || size < 1) {
    throw new SimclrError(`createSharedMemory: size must be an integer >= 1, got ${size}`);
  }
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new SimclrError(`createSharedMemory: capacity must be an integer >= 1, got ${capacity}`);
  }
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new SimclrError(
      'createSharedMemory: SharedArrayBuffer is not available; in a browser the page must be cross-origin isolated (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)',
    );
  }
  return {
    size,
    capacity,
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    data: new SharedArrayBuffer((size + 1) * capacity * 4),
  };
}

/**
 * Marks the team as failed: every replica blocked in (or entering) a collective throws instead of waiting
 * for a replica that will never arrive. Called by whoever watches the replicas when one of them dies.
 */
export function abortSharedMemory(memory: SharedMemory): void {
  const control = new Int32Array(memory.control);
  Atomics.store(control, ABORTED, 1);
  Atomics.notify(control, GENERATION);
}

/** What a replica throws when the team was aborted while it waited; the cause lies with another replica. */
const ABORTED_MESSAGE = 'the collective was aborted because another replica failed';

/**
 * A {@link Collective} over `SharedArrayBuffer` and `Atomics`: for threads of one process (Node
 * `worker_threads`, browser Web Workers). Every collective writes this replica's slot, meets the others
 * at a barrier, reads, and meets them again before a slot may be reused. A reduction is split so each
 * replica sums one segment (a reduce-scatter, then the all-gather of the result), in rank order.
 */
export class SharedMemoryCollective implements Collective {
  readonly rank: number;
  readonly size: number;
  private readonly control: Int32Array;
  private readonly slots: Float32Array;
  private readonly capacity: number;

  constructor(memory: SharedMemory, rank: number) {
    if (!Number.isInteger(rank) || rank < 0 || rank >= memory.size) {
      throw new SimclrError(
        `SharedMemoryCollective: rank must be an integer in [0, ${memory.size - 1}], got ${rank}`,
      );
    }
    this.rank = rank;
    this.size = memory.size;
    this.capacity = memory.capacity;
    this.control = new Int32Array(memory.control);
    this.slots = new Float32Array(memory.data);
  }

  allGather(data: Float32Array): Float32Array {
    this.checkLength(data, 'allGather');
    const n = data.length;
    this.slot(this.rank, n).set(data);
    this.barrier();
    const out = new Float32Array(n * this.size);
    for (let r = 0; r < this.size; r++) out.set(this.slot(r, n), r * n);
    this.barrier();
    return out;
  }

  allReduceSum(data: Float32Array): Float32Array {
    this.checkLength(data, 'allReduceSum');
    const n = data.length;
    this.slot(this.rank, n).set(data);
    this.barrier();
    const begin = Math.floor((n * this.rank) / this.size);
    const end = Math.floor((n * (this.rank + 1)) / this.size);
    const result = this.slot(this.size, n);
    const first = this.slot(0, n);
    for (let i = begin; i < end; i++) result[i] = first[i]!;
    for (let r = 1; r < this.size; r++) {
      const s = this.slot(r, n);
      for (let i = begin; i < end; i++) result[i] = result[i]! + s[i]!;
    }
    this.barrier();
    const out = result.slice();
    this.barrier();
    return out;
  }

  broadcast(data: Float32Array, root: number): Float32Array {
    this.checkLength(data, 'broadcast');
    if (!Number.isInteger(root) || root < 0 || root >= this.size) {
      throw new SimclrError(`broadcast: root must be an integer in [0, ${this.size - 1}], got ${root}`);
    }
    const n = data.length;
    if (this.rank === root) this.slot(root, n).set(data);
    this.barrier();
    const out = this.slot(root, n).slice();
    this.barrier();
    return out;
  }

  private slot(r: number, n: number): Float32Array {
    return this.slots.subarray(r * this.capacity, r * this.capacity + n);
  }

  private checkLength(data: Float32Array, op: string): void {
    if (!(data instanceof Float32Array) || data.length > this.capacity) {
      throw new SimclrError(
        `${op}: data must be a Float32Array of at most ${this.capacity} values (the shared memory's capacity), got ${data instanceof Float32Array ? `${data.length} values` : typeof data}`,
      );
    }
  }

  /** A generation-counting barrier: the last to arrive resets the count and wakes the others. */
  private barrier(): void {
    const c = this.control;
    if (Atomics.load(c, ABORTED) !== 0) throw new SimclrError(ABORTED_MESSAGE);
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.add(c, ARRIVED, 1) === this.size - 1) {
      Atomics.store(c, ARRIVED, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return;
    }
    while (Atomics.load(c, GENERATION) === generation) {
      Atomics.wait(c, GENERATION, generation, WAIT_SLICE_MS);
      if (Atomics.load(c, ABORTED) !== 0) throw new SimclrError(ABORTED_MESSAGE);
    }
  }
}

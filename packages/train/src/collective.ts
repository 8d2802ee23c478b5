/**
 * How the replicas of a data-parallel run talk to each other: the three collectives SimCLR needs. Every
 * replica calls the same collectives in the same order with arrays of the same length; each call returns
 * when all replicas have made it.
 *
 * The calls are synchronous because they run inside tfjs's gradient tape (the all-gather of the
 * embeddings, global batch norm's statistics), whose forward and gradient functions are synchronous. A
 * transport over a network keeps that shape by doing its I/O on a helper thread and handing the data over
 * through shared memory; the loss and the training loop never see which transport runs underneath.
 */
export interface Collective {
  /** This replica's index, `0 … size-1`. Replica 0 reports metrics and writes checkpoints. */
  readonly rank: number;
  /** Number of replicas. */
  readonly size: number;
  /** Every replica's `data`, concatenated in rank order (length `size × data.length`). */
  allGather(data: Float32Array): Float32Array;
  /** The element-wise sum over replicas, added in rank order so every replica gets identical bits. */
  allReduceSum(data: Float32Array): Float32Array;
  /** Replica `root`'s `data` on every replica (the others pass an array of the same length). */
  broadcast(data: Float32Array, root: number): Float32Array;
}

/** A checkpoint as stored: file names (sub-folders allowed) to contents. */
export type CheckpointFiles = Record<string, Uint8Array | string>;

/**
 * Where `pretrain` writes and finds checkpoints. `CheckpointStore` from `@simclr/train/node` keeps them in
 * a directory; a browser app can implement it on IndexedDB.
 */
export interface CheckpointSink {
  /** Stores the checkpoint of `step` durably (all or nothing) and drops old ones as it sees fit. */
  save(step: number, files: CheckpointFiles): Promise<unknown>;
  /** The newest checkpoint that is complete and intact, or null; corrupt ones are skipped with a warning. */
  latestValid(
    onWarning?: (message: string) => void,
  ): Promise<{ step: number; files: Map<string, Uint8Array> } | null>;
}

import { SimclrError } from '@simclr/core';

/** A checkpoint as stored: file names (sub-folders allowed) to contents. */
export type CheckpointFiles = Record<string, Uint8Array | string>;

/**
 * Where `pretrain` writes and finds checkpoints. `CheckpointStore` from `@simclr/train/node` keeps them in
 * a directory; a browser app can implement it on IndexedDB.
 */
export interface CheckpointSink {
  /** Stores the checkpoint of `step` durably (all or nothing) and drops old ones as it sees fit. */
  save(step: number, files: CheckpointFiles): Promise<unknown>;
  /**
   * The newest checkpoint that is complete and intact, or null when there is no checkpoint at all;
   * corrupt ones are skipped with a warning. When checkpoints exist but none is intact it throws
   * {@link noIntactCheckpoint}'s error and leaves them as they are.
   */
  /**
   * Removes every checkpoint. `resume: 'restart'` calls it before the first step, so that the new run's
   * checkpoints are not mistaken for older ones (or pruned in their favour). Optional; without it a
   * restart over existing checkpoints is refused.
   */
  clear?(): Promise<void>;
  latestValid(
    onWarning?: (message: string) => void,
  ): Promise<{ step: number; files: Map<string, Uint8Array> } | null>;
}

/** The error of a sink whose checkpoints are all corrupt: each one's problem, and the ways on. */
export function noIntactCheckpoint(where: string, problems: readonly string[]): SimclrError {
  return new SimclrError(
    `no checkpoint in ${where} is intact (${problems.join('; ')}), so the run cannot resume; they are left ` +
      'as they are. Repair or remove them, start over with resume: "restart" (CLI: --resume restart), or use another directory',
    { code: 'corrupt' },
  );
}

export { readDirVerified, writeDirAtomic } from './node/atomic-dir.js';
export {
  type CheckpointEntry,
  CheckpointStore,
  type CheckpointStoreOptions,
} from './node/checkpoint-store.js';
export {
  type ParallelPretrainContext,
  type ParallelPretrainResult,
  pretrainParallel,
} from './node/pretrain-parallel.js';

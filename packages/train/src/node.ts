export { readDirVerified, writeDirAtomic } from './node/atomic-dir.js';
export {
  type CheckpointEntry,
  CheckpointStore,
  type CheckpointStoreOptions,
} from './node/checkpoint-store.js';
export { writeModelDir } from './node/model-dir.js';
export {
  type ParallelPretrainContext,
  type ParallelPretrainResult,
  pretrainParallel,
} from './node/pretrain-parallel.js';

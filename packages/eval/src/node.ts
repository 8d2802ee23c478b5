export { type AugmentationGridOptions, augmentationGridPng } from './node/augmentation-grid.js';
export {
  type ExtractFeaturesParallelOptions,
  extractFeaturesParallel,
} from './node/extract-features-parallel.js';
export { type KnnParallelOptions, knnEvaluateParallel } from './node/knn-evaluate-parallel.js';
export type { WorkerOptions } from './node/worker-options.js';

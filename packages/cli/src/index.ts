export { buildModel } from './build-model.js';
export { type PretrainSummary, resolveRunConfig, runPretrain } from './commands/pretrain.js';
export { cacheDir, loadDataset } from './load-dataset.js';
export { main } from './main.js';
export { MetricsLog } from './metrics-log.js';
export { createProgress, type Progress, type ProgressState } from './progress.js';
export {
  DATASETS,
  MODELS,
  parseRunConfig,
  type RunConfig,
  runConfigSchema,
  trainingPart,
} from './run-config.js';
export { UsageError } from './usage-error.js';

export { buildModel } from './build-model.js';
export { runAugmentPreview } from './commands/augment-preview.js';
export { runEval } from './commands/eval.js';
export { type PretrainSummary, resolveRunConfig, runPretrain } from './commands/pretrain.js';
export { type EvalDataOptions, loadEvalSplits } from './eval-data.js';
export { EVAL_KINDS, type EvalKindName } from './eval-kind.js';
export type { EvalRecord } from './eval-record.js';
export { type Io, type Output, processIo } from './io.js';
export { cacheDir, loadDataset } from './load-dataset.js';
export { main } from './main.js';
export { MetricsLog } from './metrics-log.js';
export { createProgress, type Progress, type ProgressState } from './progress.js';
export { readImageFile } from './read-image.js';
export { RECIPE_NAMES, RECIPES, type Recipe, type RecipeName, type RunConfigInput } from './recipes.js';
export { type ResolvedModel, resolveModel } from './resolve-model.js';
export {
  BACKENDS,
  DATASETS,
  MODELS,
  parseRunConfig,
  type RunConfig,
  runConfigSchema,
  trainingPart,
} from './run-config.js';
export { UsageError } from './usage-error.js';

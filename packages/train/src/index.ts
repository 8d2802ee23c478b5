export { AdamWOptimizer, type AdamWOptions, adam, adamw } from './adamw.js';
export {
  encodeCheckpoint,
  readTrainingState,
  restoreCheckpoint,
  type TrainingState,
} from './checkpoint-payload.js';
export type { CheckpointFiles, CheckpointSink } from './checkpoint-sink.js';
export {
  type PretrainConfig,
  type PretrainConfigInput,
  parsePretrainConfig,
  pretrainConfigSchema,
} from './config.js';
export {
  type ContrastiveStepInput,
  type ContrastiveStepResult,
  contrastiveGradients,
  type EmbedFn,
  type PairLossFn,
} from './contrastive-step.js';
export { createOptimizer, type ScheduledOptimizer } from './create-optimizer.js';
export { excludeBatchNormAndBias, type VariableFilter } from './exclusions.js';
export { LarsOptimizer, type LarsOptions, lars, type SgdOptions, sgd } from './lars.js';
export {
  type AugmentFn,
  type EpochSummary,
  type PretrainContext,
  type PretrainResult,
  pretrain,
  type StepMetrics,
} from './pretrain.js';
export {
  type LearningRateScaling,
  type LearningRateSchedule,
  scaleLearningRate,
  type WarmupCosineOptions,
  warmupCosine,
} from './schedules.js';

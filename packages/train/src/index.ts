export { AdamWOptimizer, type AdamWOptions, adam, adamw } from './adamw.js';
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
export { excludeBatchNormAndBias, type VariableFilter } from './exclusions.js';
export { LarsOptimizer, type LarsOptions, lars, type SgdOptions, sgd } from './lars.js';
export {
  type LearningRateScaling,
  type LearningRateSchedule,
  scaleLearningRate,
  type WarmupCosineOptions,
  warmupCosine,
} from './schedules.js';

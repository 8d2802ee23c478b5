export { AdamWOptimizer, type AdamWOptions, adam, adamw } from './adamw.js';
export { excludeBatchNormAndBias, type VariableFilter } from './exclusions.js';
export { LarsOptimizer, type LarsOptions, lars, type SgdOptions, sgd } from './lars.js';
export {
  type LearningRateScaling,
  type LearningRateSchedule,
  scaleLearningRate,
  type WarmupCosineOptions,
  warmupCosine,
} from './schedules.js';

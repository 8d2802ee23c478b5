export { AdamWOptimizer, type AdamWOptions, adam, adamw } from './adamw.js';
export {
  encodeCheckpoint,
  readTrainingState,
  restoreCheckpoint,
  type TrainingState,
} from './checkpoint-payload.js';
export { type CheckpointFiles, type CheckpointSink, noIntactCheckpoint } from './checkpoint-sink.js';
export type { Collective } from './collective.js';
export {
  configError,
  LOSS_NAMES,
  lossConfigSchema,
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
export { type AugmentFn, type ContrastiveLossFn, lossSupportsReplicas } from './contrastive-update.js';
export { createOptimizer, type ScheduledOptimizer } from './create-optimizer.js';
export { excludeBatchNormAndBias, type VariableFilter } from './exclusions.js';
export { useGlobalBatchNorm } from './global-batch-norm.js';
export { LarsOptimizer, type LarsOptions, lars, type SgdOptions, sgd } from './lars.js';
export { type PretrainContext, pretrain } from './pretrain.js';
export {
  pretrainReplicated,
  type ReplicaChannel,
  type ReplicatedPretrainContext,
  type ReplicatedPretrainResult,
} from './pretrain-replicated.js';
export type {
  AugmentSpec,
  ReplicaInit,
  ReplicaMemory,
  ReplicaPort,
  ReplicaReply,
  ReplicaRequest,
} from './replica-protocol.js';
export { runReplica } from './replica-runtime.js';
export {
  compareForResume,
  describeChange,
  type ResumeChange,
  ResumeMismatchError,
} from './resume-contract.js';
export {
  type LearningRateScaling,
  type LearningRateSchedule,
  scaleLearningRate,
  type WarmupCosineOptions,
  warmupCosine,
} from './schedules.js';
export {
  abortSharedMemory,
  createSharedMemory,
  type SharedMemory,
  SharedMemoryCollective,
} from './shared-memory-collective.js';
export type { EpochSummary, PretrainResult, RunStart, StepMetrics } from './training-loop.js';

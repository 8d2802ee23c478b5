export { balancedSubset } from './balanced-subset.js';
export { confusionMatrix } from './confusion-matrix.js';
export type { Encoder } from './encoder.js';
export {
  type EvaluationMonitor,
  type EvaluationMonitorOptions,
  type EvaluationRecord,
  evaluationMonitor,
} from './evaluation-monitor.js';
export { type ExtractFeaturesOptions, extractFeatures, type Features } from './extract-features.js';
export {
  type ClassifierScore,
  type FineTuneEpoch,
  type FineTuneOptions,
  type FineTuneResult,
  fineTune,
} from './fine-tune.js';
export { type KnnOptions, type KnnResult, knnEvaluate } from './knn.js';
export { KNN_DEFAULTS } from './knn-defaults.js';
export { type KnnMonitor, type KnnMonitorOptions, type KnnRecord, knnMonitor } from './knn-monitor.js';
export {
  type LabelledFeatures,
  type LinearEvaluateOptions,
  type LinearEvaluateResult,
  linearEvaluate,
} from './linear-evaluate.js';
export { LINEAR_PROBE_DEFAULTS } from './linear-probe-defaults.js';
export {
  type LinearProbeMonitor,
  type LinearProbeMonitorOptions,
  type LinearProbeOptions,
  type LinearProbeRecord,
  linearProbeMonitor,
} from './linear-probe-monitor.js';
export {
  type RepresentationScores,
  type ScoreRepresentationOptions,
  scoreRepresentation,
} from './score-representation.js';

export { balancedSubset } from './balanced-subset.js';
export { confusionMatrix } from './confusion-matrix.js';
export type { Encoder } from './encoder.js';
export { type ExtractFeaturesOptions, extractFeatures, type Features } from './extract-features.js';
export {
  type ClassifierScore,
  type FineTuneEpoch,
  type FineTuneOptions,
  type FineTuneResult,
  fineTune,
} from './fine-tune.js';
export { type KnnOptions, type KnnResult, knnEvaluate } from './knn.js';
export { type KnnMonitor, type KnnMonitorOptions, type KnnRecord, knnMonitor } from './knn-monitor.js';
export {
  type LabelledFeatures,
  type LinearEvaluateOptions,
  type LinearEvaluateResult,
  linearEvaluate,
} from './linear-evaluate.js';
export type { CurveChartOptions } from './report/chart-options.js';
export { type ConfusionChartOptions, confusionChartSpec } from './report/confusion-chart.js';
export { contrastiveAccuracyChartSpec } from './report/contrastive-accuracy-chart.js';
export { type EmbeddingChartOptions, embeddingChartSpec } from './report/embedding-chart.js';
export { type KnnChartOptions, knnChartSpec } from './report/knn-chart.js';
export { learningRateChartSpec } from './report/learning-rate-chart.js';
export { lossChartSpec } from './report/loss-chart.js';
export { renderSvg } from './report/render-svg.js';
export { type ReportFigure, type ReportFigureOptions, reportFigures } from './report/report-figures.js';
export { type ReportImage, reportHtml } from './report/report-html.js';
export type {
  AugmentationGrid,
  EmbeddingSet,
  Pixels,
  ReportImages,
  ReportRun,
  ResultRow,
  StepRecord,
} from './report/types.js';
export { type UmapOptions, umapProjection } from './report/umap.js';

// The report: Vega-Lite chart specs, an SVG renderer, the HTML page and the UMAP projection. Needs the
// optional peer dependencies vega, vega-lite and umap-js; the rest of the package does not.
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

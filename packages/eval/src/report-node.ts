// The report written to a directory (Node): needs vega, vega-lite, umap-js and, for images, sharp.
export { type WriteReportOptions, type WrittenReport, writeReport } from './node/write-report.js';

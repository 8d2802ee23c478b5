export { type AugmentationGridOptions, augmentationGridPng } from './node/augmentation-grid.js';
export { type WriteReportOptions, type WrittenReport, writeReport } from './node/write-report.js';

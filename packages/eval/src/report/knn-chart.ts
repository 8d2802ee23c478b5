import type { TopLevelSpec } from 'vega-lite';
import { assertRecords } from '../internal/assert-records.js';
import type { KnnRecord } from './types.js';

/** Options of {@link knnChartSpec}. */
export interface KnnChartOptions {
  /** Width of the plot area in pixels. Default 520. */
  width?: number;
  /** Height of the plot area in pixels. Default 260. */
  height?: number;
}

/** Vega-Lite spec of the kNN monitor's top-1 and top-5 accuracy against the epoch. */
export function knnChartSpec(knnHistory: readonly KnnRecord[], options: KnnChartOptions = {}): TopLevelSpec {
  assertRecords(knnHistory, 'knnHistory');
  const { width = 520, height = 260 } = options;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'kNN accuracy on the held-out split',
    width,
    height,
    data: {
      values: knnHistory.flatMap(({ epoch, top1, top5 }) => [
        { epoch, metric: 'top-1', accuracy: top1 },
        { epoch, metric: 'top-5', accuracy: top5 },
      ]),
    },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', axis: { format: '.0%' } },
      color: { field: 'metric', type: 'nominal', title: null },
    },
  };
}

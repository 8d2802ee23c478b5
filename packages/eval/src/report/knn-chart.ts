import type { TopLevelSpec } from 'vega-lite';
import { assertRecords } from '../internal/assert-records.js';
import type { KnnRecord, LinearProbeRecord } from './types.js';

/** Options of {@link knnChartSpec}. */
export interface KnnChartOptions {
  /** Width of the plot area in pixels. Default 520. */
  width?: number;
  /** Height of the plot area in pixels. Default 260. */
  height?: number;
  /** Linear probe readings (`linearProbeMonitor`) drawn beside the kNN's. Default: none. */
  linearHistory?: readonly LinearProbeRecord[];
}

/**
 * Vega-Lite spec of the monitors' top-1 and top-5 accuracy against the epoch: the kNN monitor's and,
 * with `linearHistory`, the linear probe's, one colour per monitor and one dash per metric. Either
 * history may be empty.
 */
export function knnChartSpec(knnHistory: readonly KnnRecord[], options: KnnChartOptions = {}): TopLevelSpec {
  assertRecords(knnHistory, 'knnHistory');
  const { width = 520, height = 260, linearHistory = [] } = options;
  assertRecords(linearHistory, 'linearHistory');
  const rows = (monitor: string, history: readonly KnnRecord[]) =>
    history.flatMap(({ epoch, top1, top5 }) => [
      { epoch, monitor, metric: 'top-1', accuracy: top1 },
      { epoch, monitor, metric: 'top-5', accuracy: top5 },
    ]);
  const monitors = [
    ...(knnHistory.length > 0 || linearHistory.length === 0 ? ['kNN'] : []),
    ...(linearHistory.length > 0 ? ['linear probe'] : []),
  ];
  const what =
    monitors.length === 2 ? 'kNN and linear probe' : monitors[0] === 'kNN' ? 'kNN' : 'Linear probe';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${what} accuracy on the held-out split`,
    width,
    height,
    data: { values: [...rows('kNN', knnHistory), ...rows('linear probe', linearHistory)] },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', axis: { format: '.0%' } },
      color: { field: 'monitor', type: 'nominal', title: null, scale: { domain: monitors } },
    },
    // The points in a layer of their own, so that the dash legend shows strokes rather than the points.
    layer: [
      {
        mark: 'line',
        encoding: {
          strokeDash: {
            field: 'metric',
            type: 'nominal',
            title: null,
            scale: { domain: ['top-1', 'top-5'] },
          },
        },
      },
      { mark: { type: 'point', filled: true, opacity: 1 } },
    ],
  };
}

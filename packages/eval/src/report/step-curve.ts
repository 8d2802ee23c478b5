import type { TopLevelSpec } from 'vega-lite';
import { windowMeans } from '../internal/window-means.js';
import type { CurveChartOptions } from './chart-options.js';
import type { StepRecord } from './types.js';

/** A line of `value` against the step, averaged over windows when the history is long. */
export function stepCurveSpec(
  history: readonly StepRecord[],
  value: (record: StepRecord) => number | undefined,
  labels: { title: string; axis: string; format?: string; logScale?: boolean },
  options: CurveChartOptions,
): TopLevelSpec {
  const { width = 520, height = 260, maxPoints = 1000 } = options;
  const raw = history.flatMap((r) => {
    const y = value(r);
    return y === undefined || !Number.isFinite(y) ? [] : [{ x: r.step, y }];
  });
  const { points, window } = windowMeans(raw, maxPoints);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: labels.title,
      ...(window > 1 && { subtitle: `mean over windows of ${window} steps` }),
    },
    width,
    height,
    data: { values: points.map(({ x, y }) => ({ step: x, value: y })) },
    mark: { type: 'line', interpolate: 'linear', point: points.length <= 60 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: {
        field: 'value',
        type: 'quantitative',
        title: labels.axis,
        ...(labels.format !== undefined && { axis: { format: labels.format } }),
        scale: labels.logScale ? { type: 'log' } : { zero: false },
      },
    },
  };
}

import type { TopLevelSpec } from 'vega-lite';
import { assertRecords } from '../internal/assert-records.js';
import type { CurveChartOptions } from './chart-options.js';
import { stepCurveSpec } from './step-curve.js';
import type { StepRecord } from './types.js';

/**
 * Vega-Lite spec of the contrastive accuracy (how often a view's positive is its nearest candidate)
 * against the step; records without it are left out.
 */
export function contrastiveAccuracyChartSpec(
  history: readonly StepRecord[],
  options: CurveChartOptions = {},
): TopLevelSpec {
  assertRecords(history, 'history');
  return stepCurveSpec(
    history,
    (r) => r.contrastiveAccuracy,
    { title: 'Contrastive accuracy', axis: 'accuracy', format: '.0%' },
    options,
  );
}

import type { TopLevelSpec } from 'vega-lite';
import { assertRecords } from '../internal/assert-records.js';
import type { CurveChartOptions } from './chart-options.js';
import { stepCurveSpec } from './step-curve.js';
import type { StepRecord } from './types.js';

/** Vega-Lite spec of the learning rate against the step (the warm-up and decay schedule). */
export function learningRateChartSpec(
  history: readonly StepRecord[],
  options: CurveChartOptions = {},
): TopLevelSpec {
  assertRecords(history, 'history');
  return stepCurveSpec(
    history,
    (r) => r.lr,
    { title: 'Learning rate', axis: 'learning rate', format: '.3~g' },
    options,
  );
}

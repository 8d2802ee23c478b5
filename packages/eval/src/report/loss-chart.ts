import type { TopLevelSpec } from 'vega-lite';
import { assertRecords } from '../internal/assert-records.js';
import type { CurveChartOptions } from './chart-options.js';
import { stepCurveSpec } from './step-curve.js';
import type { StepRecord } from './types.js';

/** Vega-Lite spec of the training loss against the step. */
export function lossChartSpec(history: readonly StepRecord[], options: CurveChartOptions = {}): TopLevelSpec {
  assertRecords(history, 'history');
  return stepCurveSpec(history, (r) => r.loss, { title: 'Training loss', axis: 'loss' }, options);
}

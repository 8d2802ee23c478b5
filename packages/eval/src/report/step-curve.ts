import { assertNumber, describeValue, SimclrError } from '@simclr/core';
import type { TopLevelSpec } from 'vega-lite';
import { windowMeans } from '../internal/window-means.js';
import type { CurveChartOptions } from './chart-options.js';
import type { StepRecord } from './types.js';

/** Name of the inline dataset that holds a curve's points (see {@link CurveChartOptions}). */
const STEP_CURVE_DATA = 'steps';

const FAINT = 0.35;
const REFERENCE_COLOUR = '#6b7280';

function assertReference(reference: unknown): asserts reference is { value: number; label: string } {
  const ok =
    reference !== null &&
    typeof reference === 'object' &&
    typeof (reference as { value?: unknown }).value === 'number' &&
    Number.isFinite((reference as { value: number }).value) &&
    typeof (reference as { label?: unknown }).label === 'string';
  if (!ok) {
    throw new SimclrError(
      `reference must be { value: a finite number, label: a string }, got ${describeValue(reference)}`,
    );
  }
}

/**
 * A line of `value` against the step, averaged over windows when the history is long; with the options,
 * a moving average over it, a labelled reference line and an x axis of fixed length.
 */
export function stepCurveSpec(
  history: readonly StepRecord[],
  value: (record: StepRecord) => number | undefined,
  labels: { title: string; axis: string; format?: string; logScale?: boolean },
  options: CurveChartOptions,
): TopLevelSpec {
  const { width = 520, height = 260, maxPoints = 1000, steps, reference, smoothing = 1 } = options;
  if (steps !== undefined) assertNumber(steps, 'steps', { min: 1, integer: true });
  if (reference !== undefined) assertReference(reference);
  assertNumber(smoothing, 'smoothing', { min: 1, integer: true });
  const raw = history.flatMap((r) => {
    const y = value(r);
    return y === undefined || !Number.isFinite(y) ? [] : [{ x: r.step, y }];
  });
  const { points, window } = windowMeans(raw, maxPoints);
  const smoothed = smoothing > 1;
  const xEncoding = {
    field: 'step',
    type: 'quantitative' as const,
    title: 'step',
    ...(steps !== undefined && { scale: { domain: [0, steps], nice: false } }),
  };
  // Every layer names the same axis title, so that Vega-Lite does not join the layers' titles.
  const yEncoding = (field: string) => ({
    field,
    type: 'quantitative' as const,
    title: labels.axis,
    ...(labels.format !== undefined && { axis: { format: labels.format } }),
    scale: labels.logScale ? { type: 'log' as const } : { zero: false },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: labels.title,
      ...(window > 1 && { subtitle: `mean over windows of ${window} steps` }),
    },
    width,
    height,
    data: { name: STEP_CURVE_DATA, values: points.map(({ x, y }) => ({ step: x, value: y })) },
    layer: [
      {
        mark: {
          type: 'line',
          interpolate: 'linear',
          point: points.length <= 60 && (smoothed ? { opacity: FAINT } : true),
          ...(smoothed && { opacity: FAINT }),
        },
        encoding: { x: xEncoding, y: yEncoding('value') },
      },
      ...(smoothed
        ? [
            {
              transform: [
                {
                  window: [{ op: 'mean' as const, field: 'value', as: 'smoothed' }],
                  frame: [-(smoothing - 1), 0],
                  sort: [{ field: 'step' }],
                },
              ],
              mark: { type: 'line' as const, interpolate: 'linear' as const, strokeWidth: 2 },
              encoding: { x: xEncoding, y: yEncoding('smoothed') },
            },
          ]
        : []),
      ...(reference !== undefined
        ? [
            {
              data: { values: [{ reference: reference.value, label: reference.label }] },
              encoding: { y: yEncoding('reference') },
              layer: [
                { mark: { type: 'rule' as const, color: REFERENCE_COLOUR, strokeDash: [4, 4] } },
                {
                  mark: {
                    type: 'text' as const,
                    color: REFERENCE_COLOUR,
                    align: 'left' as const,
                    baseline: 'bottom' as const,
                    dx: 4,
                    dy: -3,
                  },
                  encoding: { x: { value: 0 }, text: { field: 'label', type: 'nominal' as const } },
                },
              ],
            },
          ]
        : []),
    ],
  };
}

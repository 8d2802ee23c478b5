import { describeValue, SimclrError } from '@simclr/core';
import type { TopLevelSpec } from 'vega-lite';
import { className } from '../internal/class-name.js';

/** Options of {@link confusionChartSpec}. */
export interface ConfusionChartOptions {
  /** A name per class index, for the axes. Default: the class indices. */
  classNames?: readonly string[];
  /** Side of one cell in pixels. Default: 36 for up to 12 classes, smaller for more (at least 8). */
  cellSize?: number;
  /** Title. Default `'Confusion matrix'`. */
  title?: string;
}

/**
 * Vega-Lite spec of a confusion matrix as a heat map with the counts written in the cells, true class
 * down, predicted class across (`matrix[t][p]`, as `confusionMatrix` returns it).
 */
export function confusionChartSpec(
  matrix: readonly (readonly number[])[],
  options: ConfusionChartOptions = {},
): TopLevelSpec {
  const n = Array.isArray(matrix) ? matrix.length : 0;
  const square =
    n > 0 &&
    matrix.every(
      (row) => Array.isArray(row) && row.length === n && row.every((v) => Number.isInteger(v) && v >= 0),
    );
  if (!square) {
    throw new SimclrError(
      `matrix must be a non-empty square array of counts (integers >= 0), got ${describeValue(matrix)}`,
    );
  }
  const { classNames, title = 'Confusion matrix' } = options;
  const { cellSize = Math.max(8, Math.min(36, Math.floor(432 / n))) } = options;
  const names = Array.from({ length: n }, (_, i) => className(classNames, i));
  const max = Math.max(1, ...matrix.flat());
  const values = matrix.flatMap((row, t) =>
    row.map((count, p) => ({ actual: names[t]!, predicted: names[p]!, count, dark: count > max / 2 })),
  );
  const axis = { field: 'predicted', type: 'ordinal', sort: names } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: cellSize * n,
    height: cellSize * n,
    data: { values },
    encoding: {
      x: { ...axis, title: 'predicted class', axis: { labelAngle: -45 } },
      y: { ...axis, field: 'actual', title: 'true class' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' }, title: 'count' },
        },
      },
      ...(cellSize >= 20
        ? [
            {
              mark: { type: 'text' as const, fontSize: 10 },
              encoding: {
                text: { field: 'count', type: 'quantitative' as const },
                color: { condition: { test: 'datum.dark', value: 'white' }, value: 'black' },
              },
            },
          ]
        : []),
    ],
  };
}

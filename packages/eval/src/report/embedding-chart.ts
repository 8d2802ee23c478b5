import { describeValue, SimclrError } from '@simclr/core';
import type { TopLevelSpec } from 'vega-lite';
import { className } from '../internal/class-name.js';

/** Options of {@link embeddingChartSpec}. */
export interface EmbeddingChartOptions {
  /** A name per class index, for the legend. Default: the class indices. */
  classNames?: readonly string[];
  /** Side of the square plot area in pixels. Default 420. */
  size?: number;
  /** Title. Default `'UMAP of test representations'`. */
  title?: string;
}

/**
 * Vega-Lite spec of 2-D points (e.g. from {@link umapProjection}) coloured by class. UMAP coordinates
 * have no units, so the axes are unlabelled.
 */
export function embeddingChartSpec(
  points: readonly (readonly number[])[],
  labels: ArrayLike<number>,
  options: EmbeddingChartOptions = {},
): TopLevelSpec {
  if (!Array.isArray(points) || points.some((p) => !Array.isArray(p) || p.length !== 2)) {
    throw new SimclrError(`points must be an array of [x, y] pairs, got ${describeValue(points)}`);
  }
  if (labels === null || typeof labels !== 'object' || labels.length !== points.length) {
    throw new SimclrError(
      `labels must hold one class per point (${points.length}), got ${describeValue(labels)}`,
    );
  }
  const { classNames, size = 420, title = 'UMAP of test representations' } = options;
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: size,
    height: size,
    data: {
      values: points.map(([x, y], i) => ({ x, y, class: className(classNames, labels[i]!) })),
    },
    mark: { type: 'circle', size: 18, opacity: 0.75 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: null,
        axis: { labels: false, ticks: false, grid: false },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: null,
        axis: { labels: false, ticks: false, grid: false },
      },
      color: {
        field: 'class',
        type: 'nominal',
        title: 'class',
        sort: classes.map((c) => className(classNames, c)),
        scale: { scheme: classes.length <= 10 ? 'category10' : 'tableau20' },
      },
    },
  };
}

import { createRng, describeValue, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type { TopLevelSpec } from 'vega-lite';
import type { CurveChartOptions } from './chart-options.js';
import { confusionChartSpec } from './confusion-chart.js';
import { contrastiveAccuracyChartSpec } from './contrastive-accuracy-chart.js';
import { embeddingChartSpec } from './embedding-chart.js';
import { knnChartSpec } from './knn-chart.js';
import { learningRateChartSpec } from './learning-rate-chart.js';
import { lossChartSpec } from './loss-chart.js';
import type { EmbeddingSet, ReportRun } from './types.js';
import { type UmapOptions, umapProjection } from './umap.js';

/** A chart of a report. */
export interface ReportFigure {
  /** File stem, e.g. `'loss'` for `loss.svg`. */
  name: string;
  /** Short title, used as the image's alternative text. */
  title: string;
  /** A sentence shown under the figure. */
  caption: string;
  /** The Vega-Lite spec; {@link renderSvg} draws it. */
  spec: TopLevelSpec;
}

/** Options of {@link reportFigures}. */
export interface ReportFigureOptions {
  /** Size and point budget of the loss, learning-rate and contrastive-accuracy curves. Default: their defaults. */
  curves?: CurveChartOptions;
  /** UMAP settings of the embedding figure (seed, neighbours, …). Default: `umapProjection`'s defaults. */
  umap?: UmapOptions;
  /** Embeddings projected at most; a larger set is subsampled with the UMAP generator. Default 2000. */
  maxEmbeddingPoints?: number;
}

async function embeddingRows(embeddings: EmbeddingSet): Promise<{ rows: number[][]; labels: number[] }> {
  const { features, labels } = embeddings;
  let rows: number[][];
  if (features instanceof tf.Tensor) {
    if (features.rank !== 2) {
      throw new SimclrError(`embeddings.features must be [N, D], got shape [${features.shape.join(',')}]`);
    }
    rows = (await features.array()) as number[][];
  } else if (Array.isArray(features)) {
    rows = features.map((row) => [...row]);
  } else {
    throw new SimclrError(
      `embeddings.features must be a Tensor2D or an array of rows, got ${describeValue(features)}`,
    );
  }
  if (labels === null || typeof labels !== 'object' || labels.length !== rows.length) {
    throw new SimclrError(
      `embeddings.labels must hold one class per row (${rows.length}), got ${describeValue(labels)}`,
    );
  }
  return { rows, labels: Array.from(labels) };
}

/**
 * The charts of a report, in reading order: loss, learning rate, contrastive accuracy (when logged),
 * kNN and linear probe accuracy (one figure, named `knn`), UMAP of the embeddings, confusion matrix, each when the run has the data for it. The
 * UMAP is computed here, so this can take a few seconds for thousands of points.
 */
export async function reportFigures(
  run: ReportRun,
  options: ReportFigureOptions = {},
): Promise<ReportFigure[]> {
  if (run === null || typeof run !== 'object') {
    throw new SimclrError(`run must be an object, got ${describeValue(run)}`);
  }
  const { curves = {}, umap = {}, maxEmbeddingPoints = 2000 } = options;
  const figures: ReportFigure[] = [
    {
      name: 'loss',
      title: 'Training loss',
      caption: 'Contrastive loss per training step.',
      spec: lossChartSpec(run.history, curves),
    },
    {
      name: 'learning-rate',
      title: 'Learning rate',
      caption: 'Learning rate per step: the warm-up and decay schedule.',
      spec: learningRateChartSpec(run.history, curves),
    },
  ];
  if (run.history.some((r) => r.contrastiveAccuracy !== undefined)) {
    figures.push({
      name: 'contrastive-accuracy',
      title: 'Contrastive accuracy',
      caption: "How often a view's nearest other view in the batch is its positive.",
      spec: contrastiveAccuracyChartSpec(run.history, curves),
    });
  }
  const knn = run.knnHistory ?? [];
  const linear = run.linearHistory ?? [];
  if (knn.length > 0 || linear.length > 0) {
    const both = knn.length > 0 && linear.length > 0;
    figures.push({
      name: 'knn',
      title: both
        ? 'kNN and linear probe accuracy'
        : knn.length > 0
          ? 'kNN accuracy'
          : 'Linear probe accuracy',
      caption: both
        ? 'Held-out accuracy per epoch of a weighted kNN and of the online linear probe on the frozen representation.'
        : knn.length > 0
          ? 'Weighted kNN accuracy of the held-out split on the frozen representation, per epoch.'
          : 'Held-out accuracy of the online linear probe on the frozen representation, per epoch.',
      spec: knnChartSpec(knn, linear.length > 0 ? { linearHistory: linear } : {}),
    });
  }
  if (run.embeddings !== undefined) {
    const { rows, labels } = await embeddingRows(run.embeddings);
    const rng = umap.rng ?? createRng(0);
    let keep = rows.map((_, i) => i);
    if (keep.length > maxEmbeddingPoints)
      keep = rng
        .shuffle(keep)
        .slice(0, maxEmbeddingPoints)
        .sort((a, b) => a - b);
    const points = umapProjection(
      keep.map((i) => rows[i]!),
      { ...umap, rng },
    );
    figures.push({
      name: 'embedding',
      title: 'UMAP of test representations',
      caption: `2-D UMAP of the representation h of ${keep.length} test images, coloured by class.`,
      spec: embeddingChartSpec(
        points,
        keep.map((i) => labels[i]!),
        run.classNames !== undefined ? { classNames: run.classNames } : {},
      ),
    });
  }
  if (run.confusion !== undefined) {
    figures.push({
      name: 'confusion',
      title: 'Confusion matrix',
      caption: 'Test images by true class (rows) and predicted class (columns).',
      spec: confusionChartSpec(
        run.confusion,
        run.classNames !== undefined ? { classNames: run.classNames } : {},
      ),
    });
  }
  return figures;
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simclrAugment, twoViews } from '@simclr/augment';
import { createRng } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import type { ResultRow, StepRecord } from '@simclr/eval/report';
import { type WrittenReport, writeReport } from '@simclr/eval/report/node';
import * as tf from '@tensorflow/tfjs-core';
import { EVAL_KINDS, type EvalOutcome } from './eval-kind.js';
import { type EvalRecord, resultColumns } from './eval-record.js';
import { MetricsLog } from './metrics-log.js';
import type { ResolvedModel } from './resolve-model.js';
import { runConfigSchema } from './run-config.js';

/** Images the report's augmentation grid shows. */
const GRID_IMAGES = 8;

/** The step records of a run's metrics.jsonl; lines without a numeric step, epoch, loss and lr are left out. */
async function history(runDir: string | undefined): Promise<StepRecord[]> {
  if (runDir === undefined) return [];
  const records = await new MetricsLog(join(runDir, 'metrics.jsonl')).read();
  return records.flatMap((r) => {
    const { step, epoch, loss, lr, contrastiveAccuracy, imagesPerSecond } = r;
    if (
      typeof step !== 'number' ||
      typeof epoch !== 'number' ||
      typeof loss !== 'number' ||
      typeof lr !== 'number'
    )
      return [];
    return [
      {
        step,
        epoch,
        loss,
        lr,
        ...(typeof contrastiveAccuracy === 'number' && { contrastiveAccuracy }),
        ...(typeof imagesPerSecond === 'number' && { imagesPerSecond }),
      },
    ];
  });
}

/**
 * One row for the results table: this evaluation, joined by the other kinds' eval-<kind>.json in `dir`
 * that measured the same weights on the same data, so that running knn, linear and finetune in turn
 * with --report ends with all three in the table.
 */
async function resultRow(dir: string, record: EvalRecord): Promise<ResultRow> {
  let columns = {};
  for (const kind of EVAL_KINDS) {
    if (kind === record.kind) continue;
    let other: EvalRecord;
    try {
      other = JSON.parse(await readFile(join(dir, `eval-${kind}.json`), 'utf8')) as EvalRecord;
    } catch {
      continue;
    }
    const same =
      other.model?.dir === record.model.dir &&
      other.model.step === record.model.step &&
      other.dataset?.name === record.dataset.name &&
      other.dataset.train === record.dataset.train &&
      other.dataset.test === record.dataset.test;
    if (same) columns = { ...columns, ...resultColumns(other) };
  }
  const { architecture, step } = record.model;
  const representation = `SimCLR ${architecture ?? 'encoder'}${step !== null ? `, step ${step}` : ''}`;
  return { representation, ...columns, ...resultColumns(record) };
}

/**
 * Writes the report of an evaluation into `dir/report`: the run's training curves (from metrics.jsonl),
 * the results row, the confusion matrix when the evaluation has one, a UMAP of the test
 * representations and a grid of test images with two views from the run's augmentation.
 */
export async function writeEvalReport(options: {
  dir: string;
  resolved: ResolvedModel;
  record: EvalRecord;
  outcome: EvalOutcome;
  test: Dataset;
  seed: number;
}): Promise<WrittenReport> {
  const { dir, resolved, record, outcome, test, seed } = options;
  const { config } = resolved;
  const strength = config?.strength ?? runConfigSchema.shape.strength.parse(undefined);
  const blur = config?.blur ?? runConfigSchema.shape.blur.parse(undefined);
  const scale = config?.cropScale ?? runConfigSchema.shape.cropScale.parse(undefined);
  const [height, width] = test.imageShape;
  const augment = simclrAugment({ size: [height, width], strength, blur, scale });
  const count = Math.min(GRID_IMAGES, test.size);
  const { images, labels } = await test.get(Array.from({ length: count }, (_, i) => i));
  labels?.dispose();
  let views: [tf.Tensor4D, tf.Tensor4D] | undefined;
  try {
    views = twoViews(augment, images, createRng(seed));
    return await writeReport(
      join(dir, 'report'),
      {
        title: `SimCLR ${config?.model ?? 'encoder'} evaluated on ${record.dataset.name}`,
        ...(config !== undefined && { config: config as unknown as Record<string, unknown> }),
        history: await history(resolved.runDir),
        results: [await resultRow(dir, record)],
        augmentations: { originals: images, views },
        ...(outcome.embeddings !== undefined && { embeddings: outcome.embeddings }),
        ...(outcome.confusion !== undefined && { confusion: outcome.confusion }),
        ...(test.classNames !== undefined && { classNames: test.classNames }),
      },
      { maxEmbeddingPoints: 2000, umap: { rng: createRng(seed) } },
    );
  } finally {
    images.dispose();
    if (views !== undefined) tf.dispose(views);
  }
}

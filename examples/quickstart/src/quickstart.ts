import { join } from 'node:path';
import { simclrAugment, twoViews } from '@simclr/augment';
import { createProgress, RECIPES } from '@simclr/cli';
import { createRng, setupBackend } from '@simclr/core';
import { resolveWorkerCount } from '@simclr/core/node';
import { subset } from '@simclr/data';
import { evaluationMonitor, type Features, type KnnRecord, type LinearProbeRecord } from '@simclr/eval';
import type { ResultRow } from '@simclr/eval/report';
import { writeReport } from '@simclr/eval/report/node';
import { projectionHead, SimCLRModel, smallCnn } from '@simclr/models';
import { fileSystem } from '@simclr/models/node';
import { type PretrainConfigInput, type PretrainContext, pretrain, type StepMetrics } from '@simclr/train';
import { CheckpointStore, pretrainParallel } from '@simclr/train/node';
import * as tf from '@tensorflow/tfjs-core';
import { comparisonTable } from './comparison-table.js';
import { quickstartData } from './quickstart-data.js';
import {
  encoderFeatures,
  LINEAR_MAX_ITERATIONS,
  pixelFeatures,
  type Scores,
  score,
} from './representations.js';

/** Options of {@link runQuickstart}. */
export interface QuickstartOptions {
  /** Use all of Fashion-MNIST (60k/10k) instead of the shipped 10k/2k subset. Default false. */
  full?: boolean;
  /** Directory of the full dataset (with `full`). Default: the system package, else a download. */
  dataDir?: string;
  /** Where a download goes. */
  cacheDir: string;
  /** Run directory: report, metrics, checkpoints, model. */
  out: string;
  /** Pretraining epochs. Default: {@link SUBSET_EPOCHS} for the subset, the recipe's for the full dataset. */
  epochs?: number;
  /** Seed of the initial weights, the data order and the augmentation. Default 0. */
  seed?: number;
  /** Worker threads that pretrain data-parallel, or 'auto' (one per core). Default 'auto'. */
  workers?: number | 'auto';
  /** Backend preference. Default 'auto'. */
  backend?: 'auto' | 'wasm' | 'cpu' | 'tensorflow';
  /** Progress output. */
  stream: NodeJS.WriteStream;
  log: (line: string) => void;
}

/** What the quickstart measured. */
export interface QuickstartResult {
  backend: string;
  workers: number;
  rows: ResultRow[];
  table: string;
  pretrainSeconds: number;
  imagesPerSecond: number;
  epochs: number;
  report: string;
}

/** The quickstart trains with the `fashion-mnist` recipe of `simclr pretrain --recipe`. */
const RECIPE = RECIPES['fashion-mnist'].config;
const WIDTHS = RECIPE.widths!;
/** Epochs on the shipped 10k subset (the recipe's own epochs are for all 60k images). */
export const SUBSET_EPOCHS = 15;

function buildModel(seed: number): SimCLRModel {
  const rng = createRng(seed);
  const encoder = smallCnn({
    inputShape: [28, 28, 1],
    widths: WIDTHS,
    ...(RECIPE.strides !== undefined && { strides: RECIPE.strides }),
    ...(RECIPE.pooling !== undefined && { pooling: RECIPE.pooling }),
    rng,
  });
  const dim = encoder.outputs[0]!.shape[1] as number;
  const head = projectionHead({ inputDim: dim, outputDim: RECIPE.projectionDim ?? 128, rng });
  return new SimCLRModel({ encoder, head });
}

const rowOf = (representation: string, s: Scores): ResultRow => ({
  representation,
  knnTop1: s.knnTop1,
  knnTop5: s.knnTop5,
  linearTop1: s.linearTop1,
  linearTop5: s.linearTop5,
});

function disposeFeatures(...all: Features[]): void {
  for (const f of all) f.features.dispose();
}

/**
 * Pretrains SimCLR on Fashion-MNIST, then compares three representations with kNN and linear
 * evaluation (SimCLR's h, the same encoder untrained, raw pixels), prints the table and writes a report.
 */
export async function runQuickstart(options: QuickstartOptions): Promise<QuickstartResult> {
  const { full = false, out, log } = options;
  const backend = await setupBackend(options.backend ?? 'auto');
  const { train, test, source } = await quickstartData({
    full,
    cacheDir: options.cacheDir,
    log,
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
  });
  const epochs = options.epochs ?? (full ? RECIPE.epochs! : SUBSET_EPOCHS);
  const seed = options.seed ?? 0;
  const workers = resolveWorkerCount(options.workers ?? 'auto', 'workers');
  const config: PretrainConfigInput = {
    epochs,
    batchSize: RECIPE.batchSize!,
    seed,
    optimizer: RECIPE.optimizer!,
    loss: RECIPE.loss!,
    checkpointEvery: 100,
    keepCheckpoints: 2,
    resume: 'restart',
  };
  const augmentOptions = {
    size: 28,
    strength: RECIPE.strength!,
    blur: RECIPE.blur!,
    scale: RECIPE.cropScale! as [number, number],
  };
  const augment = simclrAugment(augmentOptions);
  log(
    `SimCLR quickstart: Fashion-MNIST ${full ? '(full)' : '(shipped subset)'} from ${source}: ${train.size} train / ${test.size} test images; ` +
      `backend ${backend.name}${workers > 1 ? ` × ${workers} workers` : ''}; small CNN ${WIDTHS.join('-')}${RECIPE.pooling === 'flatten' ? ' (h: the last map flattened)' : ''}; ${epochs} epochs of batch ${config.batchSize}`,
  );

  const model = buildModel(seed);
  const history: StepMetrics[] = [];
  const knnHistory: KnnRecord[] = [];
  const linearHistory: LinearProbeRecord[] = [];
  // A cheap held-out monitor: 2000 training images (the kNN's neighbours, the online linear probe's
  // training rows), 1000 test images classified.
  const monitor = evaluationMonitor({
    encoder: model.encoder,
    train: subset(
      train,
      Array.from({ length: Math.min(2000, train.size) }, (_, i) => i),
    ),
    test: subset(
      test,
      Array.from({ length: Math.min(1000, test.size) }, (_, i) => i),
    ),
  });
  const progress = createProgress(options.stream, false);
  const stepsPerEpoch = Math.floor(train.size / config.batchSize);
  const started = performance.now();
  const context: Omit<PretrainContext, 'augment'> = {
    model,
    dataset: train,
    checkpoints: new CheckpointStore(join(out, 'checkpoints'), { keepLast: 2 }),
    onStep: (m) => {
      history.push(m);
      progress.update({
        step: m.step,
        totalSteps: stepsPerEpoch * epochs,
        epoch: m.epoch,
        epochs,
        loss: m.loss,
        lr: m.lr,
        accuracy: m.contrastiveAccuracy,
        imagesPerSecond: m.imagesPerSecond,
        workers,
      });
    },
    onEpoch: async (e) => {
      const reading = await monitor(e.epoch);
      if (reading !== undefined) {
        knnHistory.push(reading.knn);
        linearHistory.push(reading.linear);
      }
      const pct = (x: number | undefined) => (x === undefined ? '-' : (100 * x).toFixed(1));
      progress.epochDone(
        `epoch ${e.epoch + 1}/${epochs}: loss ${e.meanLoss.toFixed(3)}, monitor kNN ${pct(reading?.knn.top1)}% / linear probe ${pct(reading?.linear.top1)}%, ${e.seconds.toFixed(0)} s`,
      );
    },
  };
  if (workers === 1) await pretrain(config, { ...context, augment });
  else await pretrainParallel(config, { ...context, augment: { simclr: augmentOptions }, workers });
  progress.stop();
  monitor.dispose();
  const pretrainSeconds = (performance.now() - started) / 1000;
  await model.save(fileSystem(join(out, 'model')));

  log(
    `evaluating: SimCLR h, the same encoder untrained, raw pixels (kNN k=200 τ=0.1; logistic regression, L-BFGS ≤ ${LINEAR_MAX_ITERATIONS} iterations)`,
  );
  let mark = performance.now();
  const lap = (what: string, scores?: Scores) => {
    const now = performance.now();
    const fit =
      scores === undefined
        ? ''
        : `, L-BFGS ${scores.linearIterations} iterations${scores.linearConverged ? ' (converged)' : ' (not converged)'}`;
    log(`  ${what}: ${((now - mark) / 1000).toFixed(1)} s${fit}`);
    mark = now;
  };
  const simTrain = await encoderFeatures(model.encoder, train);
  const simTest = await encoderFeatures(model.encoder, test);
  const simclr = await score(simTrain, simTest);
  lap('SimCLR h', simclr);
  const untrained = buildModel(seed);
  const randTrain = await encoderFeatures(untrained.encoder, train);
  const randTest = await encoderFeatures(untrained.encoder, test);
  const random = await score(randTrain, randTest);
  untrained.dispose();
  disposeFeatures(randTrain, randTest);
  lap('untrained encoder', random);
  const pixTrain = await pixelFeatures(train);
  const pixTest = await pixelFeatures(test);
  const pixels = await score(pixTrain, pixTest);
  disposeFeatures(pixTrain, pixTest);
  lap('raw pixels', pixels);
  const rows = [
    rowOf(`SimCLR h (${epochs} epochs)`, simclr),
    rowOf('same encoder, random init', random),
    rowOf('raw pixels', pixels),
  ];

  log('writing the report');
  const sample = await test.get(Array.from({ length: 8 }, (_, i) => i));
  const [view1, view2] = twoViews(augment, sample.images, createRng(1));
  const umapCount = Math.min(1000, test.size);
  const written = await writeReport(out, {
    title: `SimCLR quickstart: Fashion-MNIST${full ? '' : ' subset'}, small CNN, ${epochs} epochs on ${backend.name}`,
    config: {
      ...config,
      augment: augmentOptions,
      encoder: { widths: WIDTHS, strides: RECIPE.strides, pooling: RECIPE.pooling },
      backend: backend.name,
      workers,
      data: source,
    },
    history,
    knnHistory,
    linearHistory,
    results: rows,
    augmentations: { originals: sample.images, views: [view1, view2] },
    embeddings: {
      features: tf.slice(simTest.features, [0, 0], [umapCount, -1]) as tf.Tensor2D,
      labels: simTest.labels.subarray(0, umapCount),
    },
    confusion: simclr.confusion,
    ...(train.classNames !== undefined && { classNames: train.classNames }),
  });
  lap('report');
  tf.dispose([sample.images, sample.labels ?? [], view1, view2]);
  disposeFeatures(simTrain, simTest);
  model.dispose();

  const trained = history.length * config.batchSize;
  return {
    backend: backend.name,
    workers,
    rows,
    table: comparisonTable(rows),
    pretrainSeconds,
    imagesPerSecond: trained / pretrainSeconds,
    epochs,
    report: written.html,
  };
}

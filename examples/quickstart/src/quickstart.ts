import { join } from 'node:path';
import { simclrAugment, twoViews } from '@simclr/augment';
import { createProgress } from '@simclr/cli';
import { createRng, setupBackend } from '@simclr/core';
import { resolveWorkerCount } from '@simclr/core/node';
import { subset } from '@simclr/data';
import { type Features, type KnnRecord, knnMonitor } from '@simclr/eval';
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
  /** Pretraining epochs. Default 3: about 1 minute on 2 CPU cores for the subset, 4–5 for the full dataset. */
  epochs?: number;
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

/** The encoder of the quickstart: four stride-2 3×3 conv stages with batch norm, 256-d representation. */
const WIDTHS = [32, 64, 128, 256];

function buildModel(seed: number): SimCLRModel {
  const rng = createRng(seed);
  const encoder = smallCnn({ inputShape: [28, 28, 1], widths: WIDTHS, rng });
  const head = projectionHead({ inputDim: WIDTHS.at(-1)!, outputDim: 128, rng });
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
  const epochs = options.epochs ?? 3;
  const workers = resolveWorkerCount(options.workers ?? 'auto', 'workers');
  const config: PretrainConfigInput = {
    epochs,
    batchSize: 128,
    seed: 0,
    optimizer: {
      name: 'adamw',
      baseLearningRate: 2e-3,
      lrScaling: 'none',
      weightDecay: 1e-4,
      warmupEpochs: 0.5,
    },
    loss: { name: 'nt-xent', temperature: 0.2 },
    checkpointEvery: 100,
    keepCheckpoints: 2,
    resume: 'restart',
  };
  const augmentOptions = { size: 28, strength: 0.5, blur: false, scale: [0.2, 1] as [number, number] };
  const augment = simclrAugment(augmentOptions);
  log(
    `SimCLR quickstart: Fashion-MNIST ${full ? '(full)' : '(shipped subset)'} from ${source}: ${train.size} train / ${test.size} test images; ` +
      `backend ${backend.name}${workers > 1 ? ` × ${workers} workers` : ''}; small CNN ${WIDTHS.join('-')}; ${epochs} epochs of batch ${config.batchSize}`,
  );

  const model = buildModel(0);
  const history: StepMetrics[] = [];
  const knnHistory: KnnRecord[] = [];
  // A cheap held-out monitor: 2000 training images as neighbours, 1000 test images classified.
  const monitor = knnMonitor({
    encoder: model.encoder,
    train: subset(
      train,
      Array.from({ length: Math.min(2000, train.size) }, (_, i) => i),
    ),
    test: subset(
      test,
      Array.from({ length: Math.min(1000, test.size) }, (_, i) => i),
    ),
    k: 200,
    temperature: 0.1,
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
      if (reading !== undefined) knnHistory.push(reading);
      progress.epochDone(
        `epoch ${e.epoch + 1}/${epochs}: loss ${e.meanLoss.toFixed(3)}, kNN monitor ${reading ? (100 * reading.top1).toFixed(1) : '-'}%, ${e.seconds.toFixed(0)} s`,
      );
    },
  };
  if (workers === 1) await pretrain(config, { ...context, augment });
  else await pretrainParallel(config, { ...context, augment: { simclr: augmentOptions }, workers });
  progress.stop();
  const pretrainSeconds = (performance.now() - started) / 1000;
  await model.save(fileSystem(join(out, 'model')));

  log(
    `evaluating: SimCLR h, the same encoder untrained, raw pixels (kNN k=200 τ=0.1; logistic regression, L-BFGS ≤ ${LINEAR_MAX_ITERATIONS} iterations)`,
  );
  let mark = performance.now();
  const lap = (what: string) => {
    const now = performance.now();
    log(`  ${what}: ${((now - mark) / 1000).toFixed(1)} s`);
    mark = now;
  };
  const simTrain = await encoderFeatures(model.encoder, train);
  const simTest = await encoderFeatures(model.encoder, test);
  const simclr = await score(simTrain, simTest);
  lap('SimCLR h');
  const untrained = buildModel(0);
  const randTrain = await encoderFeatures(untrained.encoder, train);
  const randTest = await encoderFeatures(untrained.encoder, test);
  const random = await score(randTrain, randTest);
  untrained.dispose();
  disposeFeatures(randTrain, randTest);
  lap('untrained encoder');
  const pixTrain = await pixelFeatures(train);
  const pixTest = await pixelFeatures(test);
  const pixels = await score(pixTrain, pixTest);
  disposeFeatures(pixTrain, pixTest);
  lap('raw pixels');
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
      encoder: { widths: WIDTHS },
      backend: backend.name,
      workers,
      data: source,
    },
    history,
    knnHistory,
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

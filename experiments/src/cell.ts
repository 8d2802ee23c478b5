import type { SimclrAugmentOptions } from '@simclr/augment';
import { createRng } from '@simclr/core';
import type { Dataset } from '@simclr/data';
import { type Encoder, extractFeatures, type Features, scoreRepresentation } from '@simclr/eval';
import { projectionHead, SimCLRModel, smallCnn } from '@simclr/models';
import type { PretrainConfigInput } from '@simclr/train';
import { pretrainParallel } from '@simclr/train/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** One pretraining run to measure: encoder, head, augmentation and the train config. */
export interface Cell {
  /** Short name of the cell in tables. */
  name: string;
  /** smallCnn channels per stage. */
  widths: readonly number[];
  /** smallCnn stride per stage (default 2 each). */
  strides?: readonly number[];
  /** smallCnn pooling (default 'average'). */
  pooling?: 'average' | 'flatten';
  /** Projection head: 0 = none (z = h), 1 = linear, 2 = SimCLR's nonlinear head. */
  headLayers: 0 | 1 | 2;
  /** Size of z (heads with 1 or 2 layers). */
  projectionDim: number;
  augment: SimclrAugmentOptions;
  config: PretrainConfigInput;
}

/** kNN and linear accuracies of one representation. */
export interface Scores {
  knnTop1: number;
  linearTop1: number;
  linearIterations: number;
  linearConverged: boolean;
}

/** What one cell measured. */
export interface CellResult {
  name: string;
  seed: number;
  epochs: number;
  batchSize: number;
  trainImages: number;
  h: Scores;
  /** Scores of z = g(h), when asked for. */
  z?: Scores;
  /** The monitor's kNN top-1 after each epoch (2,000 train / 1,000 test images). */
  pretrainSeconds: number;
  evalSeconds: number;
  finalLoss: number;
  cell: Cell;
}

/** kNN (k 200, τ 0.1) and the L-BFGS linear probe run to convergence (≤ 1000 iterations, ‖g‖∞ ≤ 1e-5). */
export async function scoreFeatures(train: Features, test: Features): Promise<Scores> {
  const { knn, linear } = await scoreRepresentation({ train, test });
  return {
    knnTop1: knn.top1,
    linearTop1: linear.top1,
    linearIterations: linear.iterations,
    linearConverged: linear.converged,
  };
}

async function scoreEncoder(encoder: Encoder, train: Dataset, test: Dataset): Promise<Scores> {
  const a = await extractFeatures(encoder, train, { batchSize: 500 });
  const b = await extractFeatures(encoder, test, { batchSize: 500 });
  try {
    return await scoreFeatures(a, b);
  } finally {
    a.features.dispose();
    b.features.dispose();
  }
}

/** A head that passes h through unchanged (the "no projection" cell of the paper's Fig. 8). */
function identityHead(dim: number): tfl.LayersModel {
  const input = tfl.input({ shape: [dim], name: 'h' });
  const z = tfl.layers.activation({ activation: 'linear', name: 'head.identity' }).apply(input);
  return tfl.model({ inputs: input, outputs: z as tfl.SymbolicTensor, name: 'head' });
}

/** Builds the cell's model with its seed. */
export function buildCellModel(cell: Cell, inputShape: readonly [number, number, number], seed: number) {
  const rng = createRng(seed);
  const encoder = smallCnn({
    inputShape,
    widths: cell.widths,
    ...(cell.strides && { strides: cell.strides }),
    ...(cell.pooling && { pooling: cell.pooling }),
    rng,
  });
  const dim = encoder.outputs[0]!.shape[1] as number;
  const head =
    cell.headLayers === 0
      ? identityHead(dim)
      : projectionHead({ inputDim: dim, outputDim: cell.projectionDim, layers: cell.headLayers, rng });
  return new SimCLRModel({ encoder, head });
}

/** Pretrains the cell on `train` with `workers` threads, then scores h (and z) on `train` → `test`. */
export async function runCell(
  cell: Cell,
  data: { train: Dataset; test: Dataset },
  options: { seed: number; workers: number; scoreZ?: boolean; log?: (line: string) => void },
): Promise<CellResult> {
  const { seed, workers } = options;
  const sample = await data.train.get([0]);
  const inputShape = sample.images.shape.slice(1) as [number, number, number];
  tf.dispose([sample.images, sample.labels ?? []]);
  const model = buildCellModel(cell, inputShape, seed);
  const config: PretrainConfigInput = {
    ...cell.config,
    seed,
    checkpointEvery: 0,
    keepCheckpoints: 1,
    resume: 'restart',
  };
  let finalLoss = Number.NaN;
  const started = performance.now();
  await pretrainParallel(config, {
    model,
    dataset: data.train,
    augment: { simclr: cell.augment },
    workers,
    onEpoch: (e) => {
      finalLoss = e.meanLoss;
      options.log?.(
        `  ${cell.name} seed ${seed}: epoch ${e.epoch + 1}, loss ${e.meanLoss.toFixed(3)}, ${e.seconds.toFixed(0)} s`,
      );
    },
  });
  const pretrainSeconds = (performance.now() - started) / 1000;
  const evalStarted = performance.now();
  const h = await scoreEncoder(model.encoder, data.train, data.test);
  const z = options.scoreZ
    ? await scoreEncoder((images) => model.project(images), data.train, data.test)
    : undefined;
  const evalSeconds = (performance.now() - evalStarted) / 1000;
  model.dispose();
  return {
    name: cell.name,
    seed,
    epochs: cell.config.epochs,
    batchSize: cell.config.batchSize,
    trainImages: data.train.size,
    h,
    ...(z !== undefined && { z }),
    pretrainSeconds,
    evalSeconds,
    finalLoss,
    cell,
  };
}

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { simclrAugment } from '@simclr/augment';
import { createRng, setupBackend } from '@simclr/core';
import { ioError, resolveWorkerCount } from '@simclr/core/node';
import { inferResNetOptions } from '@simclr/models';
import {
  LOSS_NAMES,
  lossConfigSchema,
  lossSupportsReplicas,
  type PretrainContext,
  pretrain,
  type StepMetrics,
} from '@simclr/train';
import { CheckpointStore, pretrainParallel, writeModelDir } from '@simclr/train/node';
import { buildModel } from '../build-model.js';
import {
  choiceFlag,
  type FlagSpec,
  formatHelp,
  numberFlag,
  numberListFlag,
  parseFlags,
  workersFlag,
} from '../flags.js';
import { formatRows } from '../format-rows.js';
import { type Io, processIo } from '../io.js';
import { loadDataset } from '../load-dataset.js';
import { MetricsLog } from '../metrics-log.js';
import { createProgress } from '../progress.js';
import { RECIPE_NAMES, RECIPES, type RecipeName } from '../recipes.js';
import { checkResumeSettings, withFlags } from '../resume-check.js';
import {
  BACKENDS,
  CLI_DEFAULTS,
  DATASETS,
  MODELS,
  parseRunConfig,
  RUN_DEFAULTS,
  type RunConfig,
  trainingPart,
} from '../run-config.js';
import { UsageError } from '../usage-error.js';
import { ALLOW_GLOBALS_FLAG, loadWeightsInto, readWeights } from '../weights-model.js';

/** The losses the CLI can train: every named one (`custom` needs a function, from the library). */
const CLI_LOSSES = LOSS_NAMES.filter((name) => name !== 'custom');
const SUP_CON_TEMPERATURE = lossConfigSchema.parse({ name: 'sup-con' }).temperature;

import { assertWritableDir } from '../writable.js';

const FLAGS: Record<string, FlagSpec> = {
  recipe: {
    type: 'string',
    short: 'r',
    value: 'NAME',
    help: `start from a tuned recipe: ${RECIPE_NAMES.join(' | ')}; --config and flags override it`,
  },
  config: { type: 'string', short: 'c', value: 'FILE', help: 'JSON run config; flags override its fields' },
  dataset: {
    type: 'string',
    value: 'NAME',
    help: `${DATASETS.join(' | ')} (default ${RUN_DEFAULTS.dataset})`,
  },
  data: { type: 'string', value: 'DIR', help: 'dataset directory (default: system copy, else download)' },
  split: { type: 'string', value: 'NAME', help: `train | test | unlabeled (default ${RUN_DEFAULTS.split})` },
  limit: { type: 'string', value: 'N', help: 'use the first N examples only' },
  'image-size': {
    type: 'string',
    value: 'N',
    help: `image side for image-folder and synthetic (default ${RUN_DEFAULTS.imageSize})`,
  },
  model: {
    type: 'string',
    short: 'm',
    value: 'NAME',
    help: `${MODELS.join(' | ')} (default ${RUN_DEFAULTS.model})`,
  },
  stem: {
    type: 'string',
    value: 'NAME',
    help: `cifar | imagenet ResNet stem (default ${RUN_DEFAULTS.stem})`,
  },
  width: { type: 'string', value: 'X', help: `ResNet width multiplier (default ${RUN_DEFAULTS.width})` },
  widths: {
    type: 'string',
    value: 'LIST',
    help: `small-cnn channels per stage (default ${RUN_DEFAULTS.widths.join(',')})`,
  },
  strides: { type: 'string', value: 'LIST', help: 'small-cnn stride per stage, 1 or 2 (default 2 each)' },
  pooling: {
    type: 'string',
    value: 'NAME',
    help: `small-cnn h from its last map: average | flatten (default ${RUN_DEFAULTS.pooling})`,
  },
  'batch-size': {
    type: 'string',
    short: 'b',
    value: 'N',
    help: `images per step (default ${RUN_DEFAULTS.batchSize})`,
  },
  'chunk-size': { type: 'string', value: 'N', help: 'backpropagate in chunks of N images (gradient cache)' },
  epochs: {
    type: 'string',
    short: 'e',
    value: 'N',
    help: `passes over the data (default ${RUN_DEFAULTS.epochs})`,
  },
  optimizer: {
    type: 'string',
    value: 'NAME',
    help: `lars | sgd | adamw | adam (default ${RUN_DEFAULTS.optimizer.name})`,
  },
  lr: {
    type: 'string',
    value: 'X',
    help: `base learning rate before batch scaling (default ${RUN_DEFAULTS.optimizer.baseLearningRate})`,
  },
  'lr-scaling': { type: 'string', value: 'RULE', help: 'linear (base·B/256) | sqrt (base·√B) | none' },
  'warmup-epochs': {
    type: 'string',
    value: 'N',
    help: `linear warm-up length (default ${RUN_DEFAULTS.optimizer.warmupEpochs}, at most half)`,
  },
  'weight-decay': {
    type: 'string',
    value: 'X',
    help: `weight decay (default ${RUN_DEFAULTS.optimizer.weightDecay})`,
  },
  loss: {
    type: 'string',
    value: 'NAME',
    help: `${CLI_LOSSES.join(' | ')} (default ${RUN_DEFAULTS.loss.name}); sup-con uses the labels, on one worker`,
  },
  temperature: {
    type: 'string',
    short: 't',
    value: 'X',
    help: `temperature τ of the loss (default ${RUN_DEFAULTS.loss.temperature}; sup-con ${SUP_CON_TEMPERATURE})`,
  },
  strength: {
    type: 'string',
    value: 'X',
    help: `colour distortion strength (default ${RUN_DEFAULTS.strength})`,
  },
  'crop-scale': {
    type: 'string',
    value: 'MIN,MAX',
    help: `area range of the random crop (default ${RUN_DEFAULTS.cropScale.join(',')})`,
  },
  blur: { type: 'boolean', help: 'add the Gaussian blur to the augmentation' },
  seed: { type: 'string', value: 'N', help: `seed of every random choice (default ${RUN_DEFAULTS.seed})` },
  backend: {
    type: 'string',
    value: 'NAME',
    help: `${BACKENDS.join(' | ')} (default ${RUN_DEFAULTS.backend})`,
  },
  workers: {
    type: 'string',
    value: 'N',
    help: 'train data-parallel on N worker threads, or auto (one per core; default 1)',
  },
  weights: {
    type: 'string',
    short: 'w',
    value: 'FILE',
    help: 'start from PyTorch weights (safetensors, .pt: torchvision, lightly, solo-learn)',
  },
  ...ALLOW_GLOBALS_FLAG,
  'global-bn': { type: 'boolean', help: 'with workers: batch norm over the whole batch (global BN)' },
  out: { type: 'string', short: 'o', value: 'DIR', help: `run directory (default ${RUN_DEFAULTS.out})` },
  resume: {
    type: 'string',
    value: 'MODE',
    help: 'auto (continue from the newest checkpoint, same settings) | never (refuse to replace one) | restart (replace the run)',
  },
  'checkpoint-every': {
    type: 'string',
    value: 'N',
    help: `checkpoint every N steps (default ${RUN_DEFAULTS.checkpointEvery})`,
  },
  quiet: { type: 'boolean', short: 'q', help: 'no progress output' },
};

export const pretrainHelp = formatHelp(
  'simclr pretrain [options]',
  'Pretrains a SimCLR encoder. Writes config.json, metrics.jsonl (one line per step), checkpoints/ and\nmodel/ (the final SimCLRModel) into --out. Ctrl-C (SIGINT) or SIGTERM finishes the step, checkpoints and exits with 130 or 143.',
  FLAGS,
);

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--config ${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`--config ${path} must hold a JSON object: ${(err as Error).message}`);
  }
}

/** Merges the config file and the flags (flags win) and validates the result. */
export async function resolveRunConfig(
  values: Record<string, string | boolean | undefined>,
): Promise<RunConfig> {
  const recipe = (choiceFlag(values['recipe'], 'recipe', RECIPE_NAMES) ?? null) as RecipeName | null;
  const base: Record<string, unknown> = recipe === null ? {} : { ...RECIPES[recipe].config };
  const file = typeof values['config'] === 'string' ? await readConfigFile(values['config']) : {};
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const optimizer = {
    ...((base['optimizer'] as object | undefined) ?? {}),
    ...((file['optimizer'] as object | undefined) ?? {}),
  } as Record<string, unknown>;
  const loss = {
    ...((base['loss'] as object | undefined) ?? {}),
    ...((file['loss'] as object | undefined) ?? {}),
  } as Record<string, unknown>;
  const set = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (value !== undefined) target[key] = value;
  };
  const merged: Record<string, unknown> = { ...CLI_DEFAULTS, ...base, ...file };
  set(merged, 'dataset', str('dataset'));
  set(merged, 'data', str('data'));
  set(merged, 'split', str('split'));
  set(merged, 'limit', numberFlag(values['limit'], 'limit', { integer: true, min: 2 }));
  set(merged, 'imageSize', numberFlag(values['image-size'], 'image-size', { integer: true, min: 8 }));
  set(merged, 'model', str('model'));
  set(merged, 'stem', str('stem'));
  set(merged, 'width', numberFlag(values['width'], 'width', { min: 0 }));
  set(merged, 'widths', numberListFlag(values['widths'], 'widths', { integer: true, min: 1 }));
  set(merged, 'strides', numberListFlag(values['strides'], 'strides', { integer: true, min: 1 }));
  set(merged, 'pooling', str('pooling'));
  set(merged, 'cropScale', numberListFlag(values['crop-scale'], 'crop-scale', { min: 0, length: 2 }));
  set(merged, 'batchSize', numberFlag(values['batch-size'], 'batch-size', { integer: true, min: 2 }));
  set(merged, 'chunkSize', numberFlag(values['chunk-size'], 'chunk-size', { integer: true, min: 1 }));
  set(merged, 'epochs', numberFlag(values['epochs'], 'epochs', { integer: true, min: 1 }));
  set(merged, 'seed', numberFlag(values['seed'], 'seed', { integer: true, min: 0 }));
  set(merged, 'strength', numberFlag(values['strength'], 'strength', { min: 0 }));
  if (values['blur'] === true) merged['blur'] = true;
  set(merged, 'backend', str('backend'));
  set(merged, 'workers', workersFlag(values['workers']));
  if (values['global-bn'] === true) merged['globalBatchNorm'] = true;
  set(merged, 'out', str('out'));
  set(merged, 'weights', str('weights'));
  set(merged, 'resume', str('resume'));
  set(
    merged,
    'checkpointEvery',
    numberFlag(values['checkpoint-every'], 'checkpoint-every', { integer: true, min: 0 }),
  );
  set(optimizer, 'name', str('optimizer'));
  set(optimizer, 'baseLearningRate', numberFlag(values['lr'], 'lr', { min: 0 }));
  set(optimizer, 'lrScaling', str('lr-scaling'));
  set(optimizer, 'warmupEpochs', numberFlag(values['warmup-epochs'], 'warmup-epochs', { min: 0 }));
  set(optimizer, 'weightDecay', numberFlag(values['weight-decay'], 'weight-decay', { min: 0 }));
  set(loss, 'name', str('loss'));
  set(loss, 'temperature', numberFlag(values['temperature'], 'temperature', { min: 0 }));
  merged['optimizer'] = optimizer;
  merged['loss'] = loss;
  let config: RunConfig;
  try {
    config = parseRunConfig(merged);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (config.strides !== undefined && config.strides.length !== config.widths.length) {
    throw new UsageError(
      `--strides must give one stride per --widths entry (${config.widths.length}), got ${config.strides.join(',')}`,
    );
  }
  return config;
}

/** What a finished (or interrupted) `simclr pretrain` reports. */
export interface PretrainSummary {
  status: 'completed' | 'aborted';
  backend: string;
  /** Worker threads that trained (1: the main thread). */
  workers: number;
  dataset: string;
  images: number;
  model: string;
  parameters: number;
  steps: number;
  epochs: number;
  resumedFrom: number | null;
  seconds: number;
  imagesPerSecond: number;
  finalLoss: number;
  finalContrastiveAccuracy: number;
  peakRssMiB: number;
  out: string;
}

/** Runs `simclr pretrain`; returns the process exit code. */
export async function runPretrain(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, 'pretrain');
  if (values['help'] === true) {
    io.out.write(pretrainHelp);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}"; see 'simclr pretrain --help'`);
  const config = await resolveRunConfig(values);
  const quiet = values['quiet'] === true;
  const say = (line: string) => {
    if (!quiet) io.err.write(`${line}\n`);
  };

  // Before any work: a run that cannot write its results should not spend the time to compute them.
  await assertWritableDir(config.out, '--out', ['checkpoints', 'model']);
  const backend = await setupBackend(config.backend);
  const workers = resolveWorkerCount(config.workers, '--workers');
  if (config.loss.name === 'custom') {
    throw new UsageError("loss.name 'custom' needs a loss function: use pretrain() from @simclr/train");
  }
  if (workers > 1 && !lossSupportsReplicas(config.loss.name)) {
    throw new UsageError(`--loss ${config.loss.name} trains on one worker: use --workers 1, got ${workers}`);
  }
  if (config.batchSize % workers !== 0) {
    throw new UsageError(
      `--batch-size (${config.batchSize}) must be a multiple of --workers (${workers}): each worker takes an equal share`,
    );
  }
  const dataset = await loadDataset(config, say);
  if (config.batchSize > dataset.size) {
    throw new UsageError(
      `--batch-size must be at most the dataset size (${dataset.size}), got ${config.batchSize}`,
    );
  }
  const out = resolve(config.out);
  const store = new CheckpointStore(join(out, 'checkpoints'), { keepLast: config.keepCheckpoints });
  await checkResumeSettings(out, config, (await store.list()).length > 0);
  const model = buildModel(config, dataset.imageShape, createRng(config.seed).fork());
  if (config.weights !== undefined) {
    try {
      const allowGlobals = values['allow-globals'];
      const { stateDict } = await readWeights(
        config.weights,
        typeof allowGlobals === 'string' ? allowGlobals : undefined,
      );
      const architecture = inferResNetOptions(stateDict);
      const hasHead = architecture.head !== undefined;
      const loaded = loadWeightsInto(model, stateDict, architecture);
      say(
        `initialised from ${config.weights} (${loaded.layout} names, ${loaded.loaded.length} tensors${hasHead ? '' : '; the head starts fresh'})`,
      );
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  const parameters = model.trainableWeights.reduce((n, w) => n + w.size, 0);
  const augmentOptions = {
    size: [dataset.imageShape[0], dataset.imageShape[1]] as [number, number],
    strength: config.strength,
    blur: config.blur,
    scale: config.cropScale,
  };
  const log = new MetricsLog(join(out, 'metrics.jsonl'));
  // The run directory is written only once pretrain has accepted the resume (or the fresh start).
  const onStart = async () => {
    await mkdir(out, { recursive: true }).catch((err: unknown) => {
      throw ioError(err, 'create the run directory', out);
    });
    if (config.resume === 'restart') {
      // pretrain has cleared the checkpoints; the rest of the earlier run goes too.
      for (const old of ['model', 'metrics.jsonl', 'summary.json']) {
        await rm(join(out, old), { recursive: true, force: true }).catch((err: unknown) => {
          throw ioError(err, 'remove the earlier run', join(out, old));
        });
      }
    }
    await writeFile(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`).catch(
      (err: unknown) => {
        throw ioError(err, 'write', join(out, 'config.json'));
      },
    );
  };
  say(
    `simclr pretrain: ${config.model} (${(parameters / 1e6).toFixed(2)}M parameters) on ${config.dataset} ` +
      `(${dataset.size} images ${dataset.imageShape.join('×')}), backend ${backend.name}${workers > 1 ? ` × ${workers} workers${config.globalBatchNorm ? ' (global BN)' : ''}` : ''}, batch ${config.batchSize}, ` +
      `${config.epochs} epochs → ${out}`,
  );

  const controller = new AbortController();
  let interrupts = 0;
  // The shell's convention: 128 + the signal's number (SIGINT 2 → 130, SIGTERM 15 → 143).
  let exitCode = 130;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    exitCode = signal === 'SIGTERM' ? 143 : 130;
    if (interrupts === 1) {
      say(
        `\n${signal === 'SIGTERM' ? 'terminated' : 'interrupted'}: finishing the step and writing a checkpoint (Ctrl-C again to quit at once)`,
      );
      controller.abort();
    } else {
      process.exit(exitCode);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const progress = createProgress(io.err, quiet);
  const stepsPerEpoch = Math.floor(dataset.size / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const started = performance.now();
  let last: StepMetrics | undefined;
  let stepsHere = 0;
  let peakRss = process.memoryUsage().rss;
  try {
    const common: Omit<PretrainContext, 'augment'> = {
      model,
      dataset,
      checkpoints: store,
      signal: controller.signal,
      onWarning: (m) => say(`warning: ${m}`),
      onStart,
      onStep: async (m) => {
        last = m;
        stepsHere++;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        await log.append({ ...m, time: new Date().toISOString() });
        progress.update({
          step: m.step,
          totalSteps,
          epoch: m.epoch,
          epochs: config.epochs,
          loss: m.loss,
          lr: m.lr,
          accuracy: m.contrastiveAccuracy,
          imagesPerSecond: m.imagesPerSecond,
          workers,
        });
      },
      onEpoch: (e) =>
        progress.epochDone(
          `epoch ${e.epoch + 1}/${config.epochs}: mean loss ${e.meanLoss.toFixed(4)}, ${e.seconds.toFixed(1)} s, step ${e.step}/${totalSteps}${workers > 1 ? `, ${workers} workers` : ''}`,
        ),
    };
    const result = await (workers === 1
      ? pretrain(trainingPart(config), { ...common, augment: simclrAugment(augmentOptions) })
      : pretrainParallel(trainingPart(config), {
          ...common,
          augment: { simclr: augmentOptions },
          workers,
          globalBatchNorm: config.globalBatchNorm,
          backend: backend.name,
        })
    ).catch((error: unknown) => {
      throw withFlags(error, out);
    });
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    const summary: PretrainSummary = {
      status: result.status,
      backend: backend.name,
      workers,
      dataset: config.dataset,
      images: dataset.size,
      model: config.model,
      parameters,
      steps: result.step,
      epochs: result.epochsCompleted,
      resumedFrom: result.resumedFrom,
      seconds,
      imagesPerSecond: (stepsHere * config.batchSize) / Math.max(seconds, 1e-9),
      finalLoss: last?.loss ?? Number.NaN,
      finalContrastiveAccuracy: last?.contrastiveAccuracy ?? Number.NaN,
      peakRssMiB: peakRss / 2 ** 20,
      out,
    };
    // Shown before anything is written, so that a failed write loses nothing; the newest checkpoint holds
    // the final weights too.
    if (!quiet) io.out.write(formatSummary(summary));
    if (result.status === 'completed') await writeModelDir(model, join(out, 'model'));
    await writeFile(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`).catch(
      (err: unknown) => {
        throw ioError(err, 'write', join(out, 'summary.json'));
      },
    );
    return result.status === 'aborted' ? exitCode : 0;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    model.dispose();
  }
}

function formatSummary(s: PretrainSummary): string {
  const rows: [string, string][] = [
    ['status', s.status === 'completed' ? 'completed' : 'interrupted (resume with the same command)'],
    ['model', `${s.model}, ${s.parameters.toLocaleString('en-US')} trainable parameters`],
    ['data', `${s.dataset}, ${s.images.toLocaleString('en-US')} images`],
    ['backend', s.workers > 1 ? `${s.backend} × ${s.workers} workers` : s.backend],
    [
      'steps',
      `${s.steps}${s.resumedFrom !== null ? ` (resumed from ${s.resumedFrom})` : ''}, ${s.epochs} epochs done`,
    ],
    ['time', `${s.seconds.toFixed(1)} s, ${s.imagesPerSecond.toFixed(1)} images/s (×2 views)`],
    [
      'final loss',
      `${s.finalLoss.toFixed(4)} (contrastive accuracy ${(100 * s.finalContrastiveAccuracy).toFixed(1)}%)`,
    ],
    ['peak memory', `${s.peakRssMiB.toFixed(0)} MiB RSS`],
    ['output', s.out],
  ];
  return formatRows(rows);
}

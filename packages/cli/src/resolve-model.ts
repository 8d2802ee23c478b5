import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SimclrError } from '@simclr/core';
import { CheckpointStore, readDirVerified } from '@simclr/train/node';
import { parseRunConfig, type RunConfig } from './run-config.js';
import { UsageError } from './usage-error.js';

/** The saved model a `--checkpoint DIR` names, and the run it came from when that is known. */
export interface ResolvedModel {
  /** What DIR is: a run directory, one of its checkpoints, or a bare model directory. */
  from: 'run' | 'checkpoint' | 'model' | 'weights';
  /** Absolute path of the directory holding `model.json` and `weights.bin`. */
  modelDir: string;
  /** The training step the weights are from, when known. */
  step: number | null;
  /** The run directory (config.json, metrics.jsonl), when known. */
  runDir?: string;
  /** The run's validated config.json, when there is one. */
  config?: RunConfig;
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();
const CHECKPOINT_NAME = /^ckpt-(\d+)$/;

async function readRun(runDir: string): Promise<Pick<ResolvedModel, 'runDir' | 'config'>> {
  const path = join(runDir, 'config.json');
  if (!isFile(path)) return {};
  let input: unknown;
  try {
    input = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new SimclrError(
      `${path} must hold the JSON run config simclr pretrain wrote: ${(err as Error).message}`,
    );
  }
  try {
    return { runDir, config: parseRunConfig(input) };
  } catch (err) {
    throw new SimclrError(`${path} is not a run config simclr pretrain can read: ${(err as Error).message}`);
  }
}

/** The final step recorded in a run's summary.json, or null. */
async function summaryStep(runDir: string): Promise<number | null> {
  try {
    const summary = JSON.parse(await readFile(join(runDir, 'summary.json'), 'utf8')) as { steps?: unknown };
    return typeof summary.steps === 'number' ? summary.steps : null;
  } catch {
    return null;
  }
}

async function fromCheckpoint(dir: string): Promise<ResolvedModel> {
  let files: Map<string, Uint8Array>;
  try {
    files = await readDirVerified(dir);
  } catch (err) {
    throw new SimclrError(`--checkpoint ${dir} is a damaged checkpoint: ${(err as Error).message}`);
  }
  // A final model/ of a run, written with a manifest like a checkpoint.
  if (files.has('model.json')) return fromModelDir(dir);
  if (!files.has('model/model.json')) {
    throw new SimclrError(
      `--checkpoint ${dir} is a checkpoint without model/model.json; pass a checkpoint written by simclr pretrain`,
    );
  }
  const match = CHECKPOINT_NAME.exec(basename(dir));
  const parent = dirname(dir);
  const run = basename(parent) === 'checkpoints' ? await readRun(dirname(parent)) : {};
  return { from: 'checkpoint', modelDir: join(dir, 'model'), step: match ? Number(match[1]) : null, ...run };
}

/** A directory holding model.json, with the run it belongs to when it is a run's model/. */
async function fromModelDir(path: string): Promise<ResolvedModel> {
  const parent = dirname(path);
  const run = basename(path) === 'model' ? await readRun(parent) : {};
  const step = run.runDir !== undefined ? await summaryStep(run.runDir) : null;
  return { from: 'model', modelDir: path, step, ...run };
}

/** The newest intact checkpoint of the run directory `path` (`dir` as the user wrote it). */
async function fromNewestCheckpoint(
  path: string,
  dir: string,
  onWarning: (message: string) => void,
): Promise<ResolvedModel> {
  const store = new CheckpointStore(join(path, 'checkpoints'));
  let latest: Awaited<ReturnType<CheckpointStore['latestValid']>>;
  try {
    latest = await store.latestValid(onWarning);
  } catch (err) {
    throw new SimclrError(
      `--checkpoint ${dir} holds no usable model: ${(err as Error).message.replace(/, so the run cannot resume.*$/, '')}`,
    );
  }
  if (latest === null) {
    throw new SimclrError(
      `--checkpoint ${dir} holds no model: ${join(dir, 'checkpoints')} is empty and there is no intact ${join(dir, 'model')}; pretrain until a checkpoint is written`,
    );
  }
  if (!latest.files.has('model/model.json')) {
    throw new SimclrError(
      `checkpoint ${latest.path} has no model/model.json; pass a checkpoint written by simclr pretrain`,
    );
  }
  return {
    from: 'checkpoint',
    modelDir: join(latest.path, 'model'),
    step: latest.step,
    ...(await readRun(path)),
  };
}

/**
 * Finds the model that `--checkpoint DIR` names. DIR may be a run directory written by
 * `simclr pretrain --out` (its final `model/` if the run finished, else its newest checkpoint that
 * verifies), one checkpoint directory (verified against its manifest) or a directory holding `model.json`.
 *
 * @param onWarning told about each damaged checkpoint skipped on the way to the newest valid one.
 * @throws UsageError when DIR does not exist; SimclrError when it holds no model or only damaged ones.
 */
export async function resolveModel(
  dir: string,
  onWarning: (message: string) => void = () => {},
): Promise<ResolvedModel> {
  const path = resolve(dir);
  if (!existsSync(path)) throw new UsageError(`--checkpoint ${dir} does not exist`);
  if (!statSync(path).isDirectory()) {
    throw new UsageError(
      `--checkpoint must be a directory (a run, a checkpoint or a model directory), got the file ${dir}`,
    );
  }
  if (isFile(join(path, 'manifest.json'))) return fromCheckpoint(path);
  if (isFile(join(path, 'model.json'))) {
    const parent = dirname(path);
    // checkpoints/ckpt-N/model: verify the checkpoint it belongs to.
    if (basename(path) === 'model' && isFile(join(parent, 'manifest.json'))) return fromCheckpoint(parent);
    return fromModelDir(path);
  }
  const modelDir = join(path, 'model');
  if (isFile(join(modelDir, 'model.json'))) {
    // A final model written with a manifest is verified; a damaged one gives way to the newest checkpoint.
    let intact = true;
    if (isFile(join(modelDir, 'manifest.json'))) {
      try {
        await readDirVerified(modelDir);
      } catch (err) {
        if (!existsSync(join(path, 'checkpoints'))) {
          throw new SimclrError(
            `--checkpoint ${dir}: its model is damaged and it has no checkpoints: ${(err as Error).message}`,
          );
        }
        onWarning(
          `${join(dir, 'model')} is damaged (${(err as Error).message}); using the newest intact checkpoint instead`,
        );
        intact = false;
      }
    }
    if (intact) {
      return { from: 'run', modelDir, step: await summaryStep(path), ...(await readRun(path)) };
    }
  }
  if (existsSync(join(path, 'checkpoints'))) return fromNewestCheckpoint(path, dir, onWarning);
  throw new SimclrError(
    `--checkpoint ${dir} holds no model: expected model.json (a model directory), manifest.json (a checkpoint), ` +
      'or model/ or checkpoints/ (a run directory written by simclr pretrain --out)',
  );
}

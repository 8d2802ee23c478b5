import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SimclrError, setupBackend } from '@simclr/core';
import { ioError, resolveWorkerCount } from '@simclr/core/node';
import { loadSimCLRModel } from '@simclr/models';
import { fileSystem } from '@simclr/models/node';
import { loadEvalSplits } from '../eval-data.js';
import { EVAL_KINDS, type EvalKind, type EvalKindName } from '../eval-kind.js';
import type { EvalRecord } from '../eval-record.js';
import { writeEvalReport } from '../eval-report.js';
import {
  choiceFlag,
  type FlagSpec,
  formatHelp,
  numberFlag,
  parseFlags,
  stringFlag,
  workersFlag,
} from '../flags.js';
import { formatRows } from '../format-rows.js';
import { type Io, processIo } from '../io.js';
import { type ResolvedModel, resolveModel } from '../resolve-model.js';
import { BACKENDS, DATASETS, type RunConfig } from '../run-config.js';
import { applyTransfer, formatShape, planTransfer } from '../transfer.js';
import { UsageError } from '../usage-error.js';
import { ALLOW_GLOBALS_FLAG, describeArchitecture, modelFromWeights } from '../weights-model.js';
import { assertWritableDir } from '../writable.js';
import { fineTuneEval } from './eval-finetune.js';
import { knnEval } from './eval-knn.js';
import { linearEval } from './eval-linear.js';

const KINDS: Record<EvalKindName, EvalKind> = {
  knn: knnEval,
  linear: linearEval,
  finetune: fineTuneEval,
};

const CHECKPOINT_FLAG: Record<string, FlagSpec> = {
  checkpoint: {
    type: 'string',
    short: 'c',
    value: 'DIR',
    help: 'run directory, checkpoint or model directory (this or --weights)',
  },
  weights: {
    type: 'string',
    short: 'w',
    value: 'FILE',
    help: 'PyTorch weights instead (safetensors, .pt: torchvision, lightly, solo-learn); printed, not written',
  },
  ...ALLOW_GLOBALS_FLAG,
};

/** Flags every evaluation takes besides --checkpoint. */
const COMMON_FLAGS: Record<string, FlagSpec> = {
  dataset: { type: 'string', value: 'NAME', help: `${DATASETS.join(' | ')} (default: the run's)` },
  data: {
    type: 'string',
    value: 'DIR',
    help: "dataset directory (default: the run's, else as pretrain finds it)",
  },
  limit: { type: 'string', value: 'N', help: "first N images of each split (default: the run's --limit)" },
  'train-limit': { type: 'string', value: 'N', help: 'first N images of the train split (default --limit)' },
  'test-limit': { type: 'string', value: 'N', help: 'first N images of the test split (default --limit)' },
  'image-size': {
    type: 'string',
    value: 'N',
    help: "image side for image-folder and synthetic (default: the model's input)",
  },
  seed: { type: 'string', value: 'N', help: "seed of every random choice (default: the run's, else 0)" },
  backend: { type: 'string', value: 'NAME', help: `${BACKENDS.join(' | ')} (default auto)` },
  workers: {
    type: 'string',
    value: 'N|auto',
    help: 'worker threads that encode images (knn: and search neighbours); auto: one per core (default: none)',
  },
  json: { type: 'boolean', help: 'print the result as JSON instead of a table' },
  report: { type: 'boolean', help: 'also write an HTML report with figures into DIR/report' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress output' },
};

/** The flags of `simclr eval <kind>`, in the order --help lists them. */
function flagsOf(kind: EvalKind): Record<string, FlagSpec> {
  return { ...CHECKPOINT_FLAG, ...kind.flags, ...COMMON_FLAGS };
}

function kindHelp(kind: EvalKind): string {
  return formatHelp(
    `simclr eval ${kind.name} (--checkpoint DIR | --weights FILE) [options]`,
    `${kind.description}\nWrites DIR/eval-${kind.name}.json; the dataset defaults to the one in DIR's config.json.`,
    flagsOf(kind),
  );
}

export const evalHelp = `Usage: simclr eval <${EVAL_KINDS.join('|')}> (--checkpoint DIR | --weights FILE) [options]

Evaluates a pretrained encoder's representation on a labelled train and test split. DIR is a run
directory written by 'simclr pretrain --out' (its final model, else its newest valid checkpoint), one
checkpoint directory, or a directory holding model.json. The result is printed and written to
DIR/eval-<kind>.json; --report also writes DIR/report/report.html. --weights FILE evaluates PyTorch
weights instead (safetensors or torch.save: torchvision ResNets, lightly or solo-learn SimCLR models),
built for the dataset's image size; the result is printed only ('simclr convert FILE DIR' keeps a
directory to write into).

Transfer: a dataset whose images differ from the model's input in size or channels is converted as
the paper's transfer evaluation does, every image resized to the model's input (torchvision's bilinear
Resize, antialiased when shrinking), RGB made grey (ITU-R 601-2 luma) or grey repeated to RGB; a line
says what was done, e.g. 'transfer: cifar10 32×32×3 → model input 28×28×1 (...)'.

--workers N|auto splits the encoding of the images (and the kNN search) over N worker threads, each
running the backend of --backend, with the same result; finetune uses them only for the test images
that --report shows. Without --workers everything runs on this thread. The tensorflow backend uses
every core already and ignores --workers.

Evaluations:
${EVAL_KINDS.map((k) => `  ${k.padEnd(10)} ${KINDS[k].summary}`).join('\n')}

Run 'simclr eval <kind> --help' for its options.
`;

/** The dataset flags resolved against the run's config: a flag wins, else the run's value when the dataset is the run's. */
function dataOptions(
  values: Record<string, string | boolean | undefined>,
  dir: string,
  config: RunConfig | undefined,
  modelSide: number | undefined,
  seed: number,
) {
  const dataset = choiceFlag(values['dataset'], 'dataset', DATASETS) ?? config?.dataset;
  if (dataset === undefined) {
    throw new UsageError(
      `--dataset is required: ${dir} does not belong to a run whose config.json names one; use one of ${DATASETS.join(', ')}`,
    );
  }
  const run = config !== undefined && config.dataset === dataset ? config : undefined;
  const data = stringFlag(values['data']) ?? run?.data;
  const limit = numberFlag(values['limit'], 'limit', { integer: true, min: 2 }) ?? run?.limit;
  const trainLimit = numberFlag(values['train-limit'], 'train-limit', { integer: true, min: 2 }) ?? limit;
  const testLimit = numberFlag(values['test-limit'], 'test-limit', { integer: true, min: 2 }) ?? limit;
  const imageSize =
    numberFlag(values['image-size'], 'image-size', { integer: true, min: 8 }) ??
    modelSide ??
    run?.imageSize ??
    32;
  return {
    dataset,
    ...(data !== undefined && { data }),
    imageSize,
    seed,
    ...(trainLimit !== undefined && { trainLimit }),
    ...(testLimit !== undefined && { testLimit }),
  };
}

/** Runs one evaluation kind with its command line. */
async function runKind(kind: EvalKind, argv: readonly string[], io: Io): Promise<number> {
  const command = `eval ${kind.name}`;
  const { values, positionals } = parseFlags(argv, flagsOf(kind), command);
  if (values['help'] === true) {
    io.out.write(kindHelp(kind));
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}"; see 'simclr ${command} --help'`);
  const checkpoint = stringFlag(values['checkpoint']);
  const weights = stringFlag(values['weights']);
  if (checkpoint !== undefined && weights !== undefined) {
    throw new UsageError('--checkpoint and --weights name two models; give one');
  }
  if (weights !== undefined && values['report'] === true) {
    throw new UsageError(
      `--report writes into the run directory, which --weights has not; convert first (simclr convert ${weights} DIR) and use --checkpoint DIR`,
    );
  }
  const dir = checkpoint ?? weights;
  if (dir === undefined) {
    throw new UsageError(
      `--checkpoint DIR or --weights FILE is required: a run directory (simclr pretrain --out), a checkpoint directory, a model directory, or a PyTorch weights file; see 'simclr ${command} --help'`,
    );
  }
  const backendName = choiceFlag(values['backend'], 'backend', BACKENDS) ?? 'auto';
  const workersWanted = workersFlag(values['workers']);
  const evaluate = kind.prepare(values);
  const quiet = values['quiet'] === true;
  const say = (line: string) => {
    if (!quiet) io.err.write(`${line}\n`);
  };

  const started = performance.now();
  const resolved: ResolvedModel =
    weights === undefined
      ? await resolveModel(dir, (m) => say(`warning: ${m}`))
      : { from: 'weights', modelDir: resolve(weights), step: null };
  const report = values['report'] === true;
  // Checked before the evaluation's time is spent: the record (and the report) go into DIR.
  let unwritable: string | undefined;
  if (weights !== undefined) unwritable = 'the model comes from --weights, not a run directory';
  else {
    try {
      await assertWritableDir(dir, '--checkpoint');
    } catch (err) {
      if (report || !SimclrError.is(err)) throw err;
      unwritable = err.message;
      say(`warning: ${unwritable}; the results will be printed, not written`);
    }
  }
  const seed = numberFlag(values['seed'], 'seed', { integer: true, min: 0 }) ?? resolved.config?.seed ?? 0;
  const backend = await setupBackend(backendName);
  // tfjs-node loads in one thread per process only (tensorflow/tfjs#8388), and it uses every core already.
  const workers = backend.name === 'tensorflow' ? undefined : workersWanted;
  if (workers !== workersWanted)
    say('warning: --workers ignored: the tensorflow backend uses every core already');
  // A model from --weights is built for the data's image shape once the data is loaded.
  let model = weights === undefined ? await loadSimCLRModel(fileSystem(resolved.modelDir)) : undefined;
  try {
    const [, modelHeight, modelWidth] = model === undefined ? [] : model.encoder.inputs[0]!.shape;
    const side = modelHeight === modelWidth && typeof modelHeight === 'number' ? modelHeight : undefined;
    const options = dataOptions(values, dir, resolved.config, side, seed);
    const loaded = await loadEvalSplits(options, say);
    const [height, width, channels] = loaded.train.imageShape;
    if (weights !== undefined) {
      // Built for the data's image size (a ResNet takes any); the channels are the weights' own.
      const read = await modelFromWeights(weights, [height, width], stringFlag(values['allow-globals']));
      model = read.model;
      say(
        `simclr ${command}: ${weights}: ${describeArchitecture(read.architecture)}, ${read.report.loaded.length} tensors loaded`,
      );
    }
    const transfer = planTransfer(loaded.train.imageShape, model!.encoder.inputs[0]!.shape.slice(1));
    const splits = transfer === undefined ? loaded : applyTransfer(loaded, transfer);
    if (transfer !== undefined) {
      say(
        `transfer: ${options.dataset} ${formatShape(transfer.from)} → model input ${formatShape(transfer.to)} (${transfer.conversion})`,
      );
    }
    say(
      `simclr ${command}: ${resolved.modelDir}${resolved.step !== null ? ` (step ${resolved.step})` : ''} on ${options.dataset} ` +
        `(${splits.train.size} train, ${splits.test.size} test images), backend ${backend.name}` +
        (workers === undefined ? '' : `, ${resolveWorkerCount(workers)} worker threads`),
    );
    const outcome = await evaluate({
      model: model!,
      ...splits,
      seed,
      wantEmbeddings: report,
      say,
      ...(workers !== undefined && { workers }),
    });
    try {
      const record: EvalRecord = {
        kind: kind.name,
        model: {
          dir: resolved.modelDir,
          from: resolved.from,
          step: resolved.step,
          architecture: resolved.config?.model ?? null,
        },
        dataset: {
          name: options.dataset,
          train: splits.train.size,
          test: splits.test.size,
          imageShape: [height, width, channels],
          numClasses: splits.train.numClasses!,
          ...(transfer !== undefined && {
            transfer: { modelInput: [...transfer.to], conversion: transfer.conversion },
          }),
        },
        backend: backend.name,
        seed,
        settings: outcome.settings,
        result: outcome.result,
        seconds: (performance.now() - started) / 1000,
        date: new Date().toISOString(),
      };
      const out = resolve(dir);
      const recordPath = join(out, `eval-${kind.name}.json`);
      const reportPath = report ? join(out, 'report', 'report.html') : undefined;
      // Printed before anything is written, so that a failed write loses no result.
      if (values['json'] === true) {
        io.out.write(
          `${JSON.stringify({ ...record, ...(reportPath !== undefined && { report: reportPath }) }, null, 2)}\n`,
        );
      } else {
        io.out.write(
          formatRows([
            ['evaluation', outcome.protocol],
            ['model', `${resolved.modelDir}${resolved.step !== null ? ` (step ${resolved.step})` : ''}`],
            [
              'data',
              `${options.dataset}: ${splits.train.size} train, ${splits.test.size} test images, ` +
                `${formatShape([height, width, channels])}${transfer === undefined ? '' : ` → ${formatShape(transfer.to)}`}, ${splits.train.numClasses} classes`,
            ],
            ['backend', backend.name],
            ...outcome.rows,
            ['time', `${record.seconds.toFixed(1)} s`],
            [
              'written',
              unwritable === undefined
                ? recordPath
                : weights !== undefined
                  ? 'nothing (a --weights model has no run directory)'
                  : 'nothing (the directory cannot be written)',
            ],
            ...(reportPath !== undefined ? [['report', reportPath] as [string, string]] : []),
          ]),
        );
      }
      if (unwritable === undefined) {
        await writeFile(recordPath, `${JSON.stringify(record, null, 2)}\n`).catch((err: unknown) => {
          throw ioError(err, 'write the evaluation record (the results are above)', recordPath);
        });
      }
      if (report) {
        say('writing the report (UMAP of the test representations, figures)');
        await writeEvalReport({ dir: out, resolved, record, outcome, test: splits.test, seed }).catch(
          (err: unknown) => {
            throw ioError(err, 'write the report (the results are above)', join(out, 'report'));
          },
        );
      }
      return 0;
    } finally {
      outcome.embeddings?.features.dispose();
    }
  } finally {
    model?.dispose();
  }
}

/** Runs `simclr eval <kind>`; returns the process exit code. */
export async function runEval(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out.write(evalHelp);
    return 0;
  }
  if (name === undefined || name.startsWith('-')) {
    throw new UsageError(
      `an evaluation is required first: simclr eval <${EVAL_KINDS.join('|')}> --checkpoint DIR; see 'simclr eval --help'`,
    );
  }
  if (!Object.hasOwn(KINDS, name)) {
    throw new UsageError(
      `unknown evaluation "${name}"; use one of ${EVAL_KINDS.join(', ')}; see 'simclr eval --help'`,
    );
  }
  return runKind(KINDS[name as EvalKindName], rest, io);
}

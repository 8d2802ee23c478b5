import { existsSync, statSync } from 'node:fs';
import { link, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setupBackend } from '@simclr/core';
import { ioError, syncDirectory, writeFileDurable } from '@simclr/core/node';
import { exportStateDict, loadSimCLRModel, type SimCLRModel, writeSafetensors } from '@simclr/models';
import { fileSystem } from '@simclr/models/node';
import { writeModelDir } from '@simclr/train/node';
import { choiceFlag, type FlagSpec, formatHelp, numberFlag, parseFlags, stringFlag } from '../flags.js';
import { formatRows } from '../format-rows.js';
import { type Io, processIo } from '../io.js';
import { resolveModel } from '../resolve-model.js';
import { BACKENDS } from '../run-config.js';
import { UsageError } from '../usage-error.js';
import { ALLOW_GLOBALS_FLAG, describeArchitecture, modelFromWeights } from '../weights-model.js';

const FLAGS: Record<string, FlagSpec> = {
  'image-size': {
    type: 'string',
    value: 'N',
    help: 'image side the converted model takes (default 32 for a 3×3 stem, 224 for a 7×7 one)',
  },
  backend: { type: 'string', value: 'NAME', help: `${BACKENDS.join(' | ')} (default auto)` },
  quiet: { type: 'boolean', short: 'q', help: 'print the summary only' },
  ...ALLOW_GLOBALS_FLAG,
};

export const convertHelp = formatHelp(
  'simclr convert IN OUT [options]',
  'Converts weights between the PyTorch world and this one. IN is a PyTorch weights file (safetensors or\n' +
    'torch.save .pt/.pth: torchvision ResNet state_dicts, lightly SimCLR models, solo-learn checkpoints)\n' +
    'or a model of ours (a run, checkpoint or model directory). OUT ending in .safetensors gets\n' +
    "torchvision names for the encoder and lightly's for the head (torchvision.models.resnetXX() +\n" +
    'load_state_dict(strict=False) takes it); any other OUT is written as a model directory in the\n' +
    'TensorFlow.js layers format, for simclr eval --checkpoint and the browser app. OUT must not exist.',
  FLAGS,
);

const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** Writes `bytes` to `out` without ever replacing a file there: a durable temporary, then a hard link. */
async function writeNew(out: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  try {
    await writeFileDurable(temporary, bytes);
    await link(temporary, out);
    await syncDirectory(dirname(out));
  } catch (error) {
    throw ioError(error, 'write', out);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** The ignored keys in a few words: the counters counted, the rest named (at most 6). */
function describeIgnored(keys: readonly string[]): string {
  const counters = keys.filter((k) => k.endsWith('num_batches_tracked')).length;
  const named = keys.filter((k) => !k.endsWith('num_batches_tracked'));
  const parts = [
    ...named.slice(0, 6),
    ...(named.length > 6 ? [`${named.length - 6} more`] : []),
    ...(counters > 0 ? [`${counters} num_batches_tracked`] : []),
  ];
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** Runs `simclr convert`; returns the process exit code. */
export async function runConvert(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, 'convert');
  if (values['help'] === true) {
    io.out.write(convertHelp);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(
      `convert takes IN and OUT, got ${positionals.length} argument(s); see 'simclr convert --help'`,
    );
  }
  const [input, output] = positionals as [string, string];
  const say = (line: string) => {
    if (values['quiet'] !== true) io.err.write(`${line}\n`);
  };
  const out = resolve(output);
  if (existsSync(out))
    throw new UsageError(`OUT ${output} exists; convert never replaces a file or directory`);
  if (!isDirectory(dirname(out))) throw new UsageError(`OUT's folder ${dirname(output)} does not exist`);
  if (!existsSync(input)) throw new UsageError(`IN ${input} does not exist`);
  const side = numberFlag(values['image-size'], 'image-size', { integer: true, min: 8 });
  await setupBackend(choiceFlag(values['backend'], 'backend', BACKENDS) ?? 'auto');

  const rows: [string, string][] = [];
  let model: SimCLRModel;
  if (isDirectory(input)) {
    const resolved = await resolveModel(input, (m) => say(`warning: ${m}`));
    model = await loadSimCLRModel(fileSystem(resolved.modelDir));
    rows.push(['from', `${resolved.modelDir}${resolved.step !== null ? ` (step ${resolved.step})` : ''}`]);
  } else {
    const read = await modelFromWeights(input, side, stringFlag(values['allow-globals']));
    model = read.model;
    rows.push(
      ['from', `${input} (${read.file.format})`],
      ['architecture', describeArchitecture(read.architecture)],
      ['loaded', `${read.report.loaded.length} tensors`],
      ['ignored', describeIgnored(read.report.ignored)],
      ...(read.freshHead
        ? [['head', 'none in the file: a fresh projection head (evaluation uses h only)'] as [string, string]]
        : []),
      ...read.report.notes.map((note) => ['note', note] as [string, string]),
    );
  }
  try {
    if (out.endsWith('.safetensors')) {
      const stateDict = exportStateDict(model);
      await writeNew(out, writeSafetensors(stateDict, { format: 'pt', producer: 'simclr convert' }));
      rows.push(['wrote', `${out} (safetensors, ${stateDict.size} tensors)`]);
    } else {
      await writeModelDir(model, out);
      rows.push(['wrote', `${out} (TensorFlow.js layers model directory)`]);
    }
  } finally {
    model.dispose();
  }
  io.out.write(formatRows(rows));
  return 0;
}

import { SimclrError } from '@simclr/core';
import { augmentPreviewHelp, runAugmentPreview } from './commands/augment-preview.js';
import { convertHelp, runConvert } from './commands/convert.js';
import { doctorHelp, runDoctor } from './commands/doctor.js';
import { evalHelp, runEval } from './commands/eval.js';
import { pretrainHelp, runPretrain } from './commands/pretrain.js';
import { EVAL_KINDS } from './eval-kind.js';
import { type Io, processIo } from './io.js';
import { UsageError } from './usage-error.js';

type Command = (argv: readonly string[], io: Io) => Promise<number>;

interface CommandEntry {
  run: Command;
  summary: string;
  help: string;
  /** Its sub-commands, named in error messages along with the command (`simclr eval knn: …`). */
  subcommands?: readonly string[];
}

const COMMANDS: Record<string, CommandEntry> = {
  pretrain: {
    run: runPretrain,
    summary: 'pretrain a SimCLR encoder (checkpoints, resume, progress)',
    help: pretrainHelp,
  },
  eval: {
    run: runEval,
    summary: 'evaluate a pretrained encoder: knn | linear | finetune, optional HTML report',
    help: evalHelp,
    subcommands: EVAL_KINDS,
  },
  'augment-preview': {
    run: runAugmentPreview,
    summary: 'write a PNG of images and two augmented views of each',
    help: augmentPreviewHelp,
  },
  convert: {
    run: runConvert,
    summary: 'convert weights: PyTorch (safetensors, .pt) to and from our model directories',
    help: convertHelp,
  },
  doctor: {
    run: runDoctor,
    summary: 'which backends load here, why the others do not, and the command that fixes each',
    help: doctorHelp,
  },
};

function overview(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`);
  return `Usage: simclr <command> [options]\n\nSimCLR contrastive self-supervised learning on TensorFlow.js.\n\nCommands:\n${rows.join('\n')}\n\nRun 'simclr <command> --help' (or 'simclr help <command>') for a command's options.\n`;
}

/**
 * Runs the `simclr` command line; returns the exit code (0 ok, 1 failure, 2 bad usage, 130 interrupted).
 * Results go to `io.out`, progress, warnings and errors to `io.err`.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0])) {
    io.out.write(COMMANDS[rest[0]]!.help);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out.write(overview());
    return name === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    io.err.write(`simclr: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  const command = COMMANDS[name]!;
  const label = command.subcommands?.includes(rest[0] ?? '') ? `${name} ${rest[0]}` : name;
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err.write(`simclr ${label}: ${err.message}\n`);
      return 2;
    }
    if (SimclrError.is(err)) {
      io.err.write(`simclr ${label}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

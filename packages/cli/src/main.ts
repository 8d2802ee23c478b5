import { SimclrError } from '@simclr/core';
import { pretrainHelp, runPretrain } from './commands/pretrain.js';
import { UsageError } from './usage-error.js';

type Command = (argv: readonly string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string; help: string }> = {
  pretrain: {
    run: runPretrain,
    summary: 'pretrain a SimCLR encoder (checkpoints, resume, progress)',
    help: pretrainHelp,
  },
};

function overview(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`);
  return `Usage: simclr <command> [options]\n\nSimCLR contrastive self-supervised learning on TensorFlow.js.\n\nCommands:\n${rows.join('\n')}\n\nRun 'simclr <command> --help' for a command's options.\n`;
}

/** Runs the `simclr` command line; returns the exit code (0 ok, 1 failure, 2 bad usage, 130 interrupted). */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`simclr: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`simclr ${name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof SimclrError) {
      process.stderr.write(`simclr ${name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

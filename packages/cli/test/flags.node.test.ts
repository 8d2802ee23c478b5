import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const PRETRAIN = [
  'pretrain',
  '--dataset=synthetic',
  '--limit=32',
  '--image-size=16',
  '--quiet',
  '--out=/nonexistent/never',
];

describe('numeric flags', () => {
  it.each([
    [['--lr', '-1'], '--lr must be a decimal number >= 0, got a negative number, "-1"'],
    [['--lr=-0.5'], '--lr must be a decimal number >= 0, got a negative number, "-0.5"'],
    [['--epochs', '-3'], '--epochs must be an integer >= 1, got a negative number, "-3"'],
    [['--lr', '0x10'], '--lr must be a decimal number >= 0 written in plain digits, got "0x10"'],
    [['--lr', ' 1'], '--lr must be a decimal number >= 0 written in plain digits, got " 1"'],
    [['--lr', 'Infinity'], '--lr must be a decimal number >= 0 written in plain digits, got "Infinity"'],
    [['--epochs', '1e3'], '--epochs must be an integer >= 1 written in plain digits, got "1e3"'],
    [['--epochs', '2.5'], '--epochs must be an integer >= 1 written in plain digits, got "2.5"'],
    [['--batch-size', '1_000'], '--batch-size must be an integer >= 2 written in plain digits, got "1_000"'],
    [['--epochs', '0'], '--epochs must be an integer >= 1, got "0"'],
  ])('%j is a usage error that says what it must be', async (flags, message) => {
    const r = await runCli(...PRETRAIN, ...flags);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`simclr pretrain: ${message}\n`);
  });

  it.each([['1e-6'], ['0.000001'], ['.5'], ['3.'], ['+2']])(
    '--weight-decay %s is a plain decimal number',
    async (v) => {
      // Valid numbers get past the flags: the run then stops at the default batch of 256 > 32 images.
      const r = await runCli(...PRETRAIN, '--weight-decay', v, '--epochs', '1', '--backend', 'cpu');
      expect(r.err).toContain('--batch-size must be at most the dataset size (32)');
    },
  );
});

import { RECIPES, resolveRunConfig } from '@simclr/cli';
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

describe('list flags and --recipe', () => {
  it.each([
    [['--widths', '32,,64'], '--widths must be an integer >= 1 written in plain digits, got ""'],
    [['--widths', '0,8'], '--widths must be an integer >= 1, got "0"'],
    [['--crop-scale', '0.2'], '--crop-scale must hold 2 comma-separated numbers, got "0.2"'],
    [['--crop-scale', '0.5,0.2'], 'config.cropScale: the lower end must not exceed the upper, got [0.5,0.2]'],
    [['--strides', '1,3', '--widths', '8,16'], 'config.strides.1: Invalid input, got 3'],
    [['--widths', '8,16', '--strides', '1'], '--strides must give one stride per --widths entry (2), got 1'],
    [['--pooling', 'max'], 'config.pooling: Invalid option: expected one of "average"|"flatten", got "max"'],
    [['--recipe', 'imagenet'], '--recipe must be one of fashion-mnist, got "imagenet"'],
  ])('%j is a usage error that says what it must be', async (flags, message) => {
    const r = await runCli(...PRETRAIN, ...flags);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`simclr pretrain: ${message}\n`);
  });

  it('--recipe starts from the recipe; flags override it field by field', async () => {
    const recipe = RECIPES['fashion-mnist'].config;
    const config = await resolveRunConfig({ recipe: 'fashion-mnist' });
    expect(config.widths).toEqual(recipe.widths);
    expect(config.pooling).toBe(recipe.pooling);
    expect(config.cropScale).toEqual(recipe.cropScale);
    expect(config.optimizer).toMatchObject(recipe.optimizer!);
    expect(config.loss.temperature).toBe(recipe.loss!.temperature);
    expect(config.epochs).toBe(recipe.epochs);
    const changed = await resolveRunConfig({
      recipe: 'fashion-mnist',
      epochs: '7',
      lr: '0.01',
      strides: '1,2,2,2',
    });
    expect(changed.epochs).toBe(7);
    expect(changed.optimizer.baseLearningRate).toBe(0.01);
    expect(changed.optimizer.name).toBe(recipe.optimizer!.name);
    expect(changed.strides).toEqual([1, 2, 2, 2]);
    // Without a recipe the defaults are the schema's.
    const plain = await resolveRunConfig({});
    expect(plain.widths).toEqual([16, 32, 64]);
    expect(plain.cropScale).toEqual([0.08, 1]);
    expect(plain.pooling).toBe('average');
  });
});

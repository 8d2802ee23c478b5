import type { z } from 'zod';
import type { runConfigSchema } from './run-config.js';

/** A run config as written in JSON (every field optional). */
export type RunConfigInput = Partial<z.input<typeof runConfigSchema>>;

/** A named starting point for `simclr pretrain --recipe NAME`: settings chosen by measurement. */
export interface Recipe {
  /** What it is for. */
  description: string;
  /** Where its settings come from and what they reach (the command that reproduces it is in the README). */
  evidence: string;
  /** The run settings; a config file and flags override them. */
  config: RunConfigInput;
}

/** The recipes `--recipe` accepts. */
export const RECIPE_NAMES = ['fashion-mnist'] as const;
/** A recipe's name. */
export type RecipeName = (typeof RECIPE_NAMES)[number];

/**
 * The recipes. `fashion-mnist` is the quickstart's: small grey images (Fashion-MNIST, MNIST), a small CNN
 * trained data-parallel on every core with AdamW.
 */
export const RECIPES: Readonly<Record<RecipeName, Recipe>> = {
  'fashion-mnist': {
    description: 'small grey images (Fashion-MNIST, MNIST): a small CNN, AdamW, every core',
    evidence: 'experiments/results/sweep.md',
    config: {
      dataset: 'fashion-mnist',
      model: 'small-cnn',
      widths: [32, 64, 128, 256],
      pooling: 'flatten',
      cropScale: [0.2, 1],
      strength: 0.5,
      blur: false,
      epochs: 20,
      batchSize: 128,
      optimizer: {
        name: 'adamw',
        baseLearningRate: 2e-3,
        lrScaling: 'none',
        weightDecay: 1e-4,
        warmupEpochs: 0.5,
      },
      loss: { name: 'nt-xent', temperature: 0.2 },
      workers: 'auto',
    },
  },
};

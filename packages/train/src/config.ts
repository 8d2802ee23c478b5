import { SimclrError } from '@simclr/core';
import { NT_XENT_TEMPERATURE, SUP_CON_TEMPERATURE } from '@simclr/losses';
import { z } from 'zod';

const positiveInt = z.int().min(1);

/** Optimizer settings of a pretraining run. */
export const optimizerConfigSchema = z.strictObject({
  /** `lars` (the paper's), `sgd` (momentum), `adamw` or `adam`. Default 'lars'. */
  name: z.enum(['lars', 'sgd', 'adamw', 'adam']).default('lars'),
  /** Base learning rate before batch-size scaling. Default 0.3 (the paper's, with linear scaling). */
  baseLearningRate: z.number().positive().default(0.3),
  /** Batch-size scaling of the base rate: 'linear' (base·B/256), 'sqrt' (base·√B) or 'none'. Default 'linear'. */
  lrScaling: z.enum(['linear', 'sqrt', 'none']).default('linear'),
  /** Momentum (lars, sgd). Default 0.9. */
  momentum: z.number().min(0).max(1).default(0.9),
  /** Weight decay. Default 1e-6 (the paper's value for LARS). */
  weightDecay: z.number().min(0).default(1e-6),
  /** LARS trust coefficient. Default 0.001. */
  eta: z.number().positive().default(0.001),
  /** Warm-up length in epochs (linear from 0), then cosine decay to 0. Default 10, at most half the run. */
  warmupEpochs: z.number().min(0).default(10),
});

/** The losses a config can name; `custom` means the function passed as `pretrain`'s `loss`. */
export const LOSS_NAMES = ['nt-xent', 'nt-logistic', 'margin-triplet', 'sup-con', 'custom'] as const;

/**
 * Loss settings of a pretraining run. The temperature defaults to the named loss's own default, taken from
 * `@simclr/losses` (`NT_XENT_TEMPERATURE` 0.5, `SUP_CON_TEMPERATURE` 0.1), so the two never disagree.
 */
export const lossConfigSchema = z
  .strictObject({
    /**
     * `nt-xent` (the paper's), `nt-logistic`, `margin-triplet`, `sup-con` (supervised contrastive, Khosla
     * et al. 2020: the views of same-label images are positives too; needs a labelled dataset) or `custom`
     * (the `loss` function given to `pretrain`). Default 'nt-xent'.
     */
    name: z.enum(LOSS_NAMES).default('nt-xent'),
    /** Temperature τ of nt-xent, nt-logistic and sup-con. Default: the loss's own (0.5; sup-con 0.1). */
    temperature: z.number().positive().optional(),
    /** Margin of margin-triplet. Default 1. */
    margin: z.number().positive().default(1),
  })
  .transform(({ temperature, ...rest }) => ({
    ...rest,
    temperature: temperature ?? (rest.name === 'sup-con' ? SUP_CON_TEMPERATURE : NT_XENT_TEMPERATURE),
  }));

/** Everything a pretraining run needs that can be written to JSON (a config file, a checkpoint). */
export const pretrainConfigSchema = z.strictObject({
  /** Passes over the dataset. */
  epochs: positiveInt,
  /** Images per step (each gives two views, so 2·batchSize embeddings). At least 2. */
  batchSize: z.int().min(2),
  /**
   * Images per chunk of the gradient-cache step; unset trains the whole batch in one pass.
   * Use it when the batch does not fit in memory (e.g. ResNet-18 at 256 on wasm).
   */
  chunkSize: positiveInt.optional(),
  /** Seed of every random choice (data order, augmentation, initialisation). Default 0. */
  seed: z.int().min(0).default(0),
  optimizer: optimizerConfigSchema.default(optimizerConfigSchema.parse({})),
  loss: lossConfigSchema.default(lossConfigSchema.parse({})),
  /** Write a checkpoint every this many steps (and at the end). 0 = only at the end. Default 100. */
  checkpointEvery: z.int().min(0).default(100),
  /** Checkpoints kept. Default 3. */
  keepCheckpoints: positiveInt.default(3),
  /**
   * `auto`: continue from the newest intact checkpoint if there is one; settings that define the saved
   * state must be unchanged (`compareForResume`), and checkpoints of which none is intact stop the run.
   * `never`: start fresh, refused when checkpoints already exist (they would be replaced). `restart`:
   * start fresh and replace them. Default 'auto'.
   */
  resume: z.enum(['auto', 'never', 'restart']).default('auto'),
});

/** The validated configuration, defaults filled in. */
export type PretrainConfig = z.output<typeof pretrainConfigSchema>;
/** The configuration as a caller writes it (defaults optional). */
export type PretrainConfigInput = z.input<typeof pretrainConfigSchema>;

/**
 * Validates a pretraining configuration and fills in the defaults. An unknown key or a bad value raises
 * a `SimclrError` naming the field, e.g. `config.optimizer.momentum must be <= 1, got 1.5`.
 */
export function parsePretrainConfig(input: unknown): PretrainConfig {
  const result = pretrainConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) {
    const config = result.data;
    if (config.chunkSize !== undefined && config.chunkSize > config.batchSize) {
      throw new SimclrError(
        `config.chunkSize must be <= config.batchSize (${config.batchSize}), got ${config.chunkSize}`,
      );
    }
    return config;
  }
  throw configError(result.error);
}

/**
 * A schema's validation issues as one `SimclrError` that names each field by its path under `config`
 * (`config.optimizer.momentum: Too big: expected number to be <=1, got 1.5`). Shared by every JSON
 * config built on {@link pretrainConfigSchema}, such as the CLI's run config.
 */
export function configError(error: z.ZodError): SimclrError {
  const messages = error.issues.map((issue) => {
    const path = ['config', ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return `${path} has unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    const received =
      'input' in issue && issue.input !== undefined ? `, got ${JSON.stringify(issue.input)}` : '';
    return `${path}: ${issue.message}${received}`;
  });
  return new SimclrError(messages.join('; '));
}

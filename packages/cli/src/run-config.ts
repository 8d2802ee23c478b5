import { configError, pretrainConfigSchema } from '@simclr/train';
import { z } from 'zod';

/** The datasets `simclr` can load by name. */
export const DATASETS = [
  'fashion-mnist',
  'mnist',
  'cifar10',
  'cifar100',
  'stl10',
  'image-folder',
  'synthetic',
] as const;
/** The backends `simclr` can run on: 'auto' picks the first that works. */
export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'native', 'wasm', 'cpu'] as const;
/** The encoders `simclr` can build by name. */
export const MODELS = ['small-cnn', 'resnet18', 'resnet34', 'resnet50'] as const;

/** A pretraining run as `simclr pretrain` sees it: the training config plus data, model and backend. */
export const runConfigSchema = pretrainConfigSchema.extend({
  /** Which dataset. Default 'fashion-mnist'. */
  dataset: z.enum(DATASETS).default('fashion-mnist'),
  /** Its directory; the known datasets are otherwise looked up in the usual places or downloaded. */
  data: z.string().min(1).optional(),
  /** Split to pretrain on. Default 'train' ('unlabeled' is STL-10's 100k images). */
  split: z.enum(['train', 'test', 'unlabeled']).default('train'),
  /** Use only the first N examples. */
  limit: z.int().min(2).optional(),
  /** Side the images are resized to (image-folder) or drawn at (synthetic). Default 32. */
  imageSize: z.int().min(8).default(32),
  /** Encoder architecture. Default 'small-cnn'. */
  model: z.enum(MODELS).default('small-cnn'),
  /** ResNet stem. Default 'cifar' (3×3 conv, no max-pool), right for images up to ~64 px. */
  stem: z.enum(['cifar', 'imagenet']).default('cifar'),
  /** ResNet width multiplier. Default 1. */
  width: z.number().positive().default(1),
  /** Channels of each stage of the small CNN (`--model small-cnn`). Default [16, 32, 64]. */
  widths: z.array(z.int().min(1)).min(1).default([16, 32, 64]),
  /** Stride of each small-CNN stage, 1 or 2, one per width. Default: 2 for every stage. */
  strides: z
    .array(z.union([z.literal(1), z.literal(2)]))
    .min(1)
    .optional(),
  /** How the small CNN turns its last map into h: 'average' (global average pooling) or 'flatten'. Default 'average'. */
  pooling: z.enum(['average', 'flatten']).default('average'),
  /** Output size of the projection head. Default 128. */
  projectionDim: z.int().min(1).default(128),
  /**
   * A PyTorch weights file (safetensors or torch.save: torchvision, lightly, solo-learn) to start from:
   * the encoder, and the head when the file has one, are loaded before the first step; it must fit
   * --model, --stem and --width. A resumed run continues from its checkpoint instead. Default: none.
   */
  weights: z.string().min(1).optional(),
  /** Colour-distortion strength of the augmentation. Default 0.5 (the paper's CIFAR-10 setting). */
  strength: z.number().min(0).max(2.5).default(0.5),
  /** Area range of the random resized crop, as fractions of the image. Default [0.08, 1] (the paper's). */
  cropScale: z
    .tuple([z.number().positive().max(1), z.number().positive().max(1)])
    .refine(([lo, hi]) => lo <= hi, 'the lower end must not exceed the upper')
    .default([0.08, 1]),
  /** Gaussian blur in the augmentation. Default false (the paper's CIFAR-10 setting). */
  blur: z.boolean().default(false),
  /**
   * Worker threads that train data-parallel (`pretrainParallel`): an integer, or 'auto' for one per core.
   * Default 1: the calling thread trains. The batch must be a multiple of the worker count. May change on
   * resume.
   */
  workers: z.union([z.literal('auto'), z.int().min(1)]).default(1),
  /**
   * With workers: normalise batch norm with the whole batch's statistics, reduced across workers (the
   * official code's global_bn). Default false (per-worker batch norm).
   */
  globalBatchNorm: z.boolean().default(false),
  /** Backend: 'auto' or a name. Default 'auto'. */
  backend: z.enum(BACKENDS).default('auto'),
  /** Run directory: config, metrics, checkpoints, final model. Default 'runs/simclr'. */
  out: z.string().min(1).default('runs/simclr'),
});

/** A validated run config. */
export type RunConfig = z.output<typeof runConfigSchema>;

/** The epochs and batch size `simclr pretrain` uses when neither a config file nor a flag sets them. */
export const CLI_DEFAULTS = { epochs: 10, batchSize: 256 } as const;

/**
 * Every default of a run, from the schemas: what `--help` prints, so that the help and the behaviour
 * cannot disagree.
 */
export const RUN_DEFAULTS: RunConfig = runConfigSchema.parse({ ...CLI_DEFAULTS });

/** Validates a run config; errors name the field (`config.model: …, got "vgg"`). */
export function parseRunConfig(input: unknown): RunConfig {
  const result = runConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw configError(result.error);
}

/** The fields of `config` that `pretrain` itself reads. */
export function trainingPart(config: RunConfig) {
  const { epochs, batchSize, chunkSize, seed, optimizer, loss, checkpointEvery, keepCheckpoints, resume } =
    config;
  return {
    epochs,
    batchSize,
    ...(chunkSize !== undefined && { chunkSize }),
    seed,
    optimizer,
    loss,
    checkpointEvery,
    keepCheckpoints,
    resume,
  };
}

import { type Augmentation, createRng, type SimclrAugmentOptions, simclrAugment } from '@simclr/augment';
import { projectionHead, SimCLRModel, smallCnn } from '@simclr/models';
import type { AugmentSpec, PretrainConfigInput } from '@simclr/train';

/** Fashion-MNIST's images: 28×28, gray. */
export const IMAGE_SHAPE = [28, 28, 1] as const;

/** What the training form sets. */
export interface TrainingSettings {
  /** Training images, the first ones of the shipped subset. */
  images: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  seed: number;
}

/**
 * The encoder trained in the page: `smallCnn` (three stride-2 stages of 16, 32 and 64 channels, so h is
 * 64-dimensional) with SimCLR's two-layer projection head down to z of 64.
 */
export function createModel(seed: number): SimCLRModel {
  const rng = createRng(seed);
  const encoder = smallCnn({ inputShape: IMAGE_SHAPE, widths: [16, 32, 64], rng: rng.fork() });
  const head = projectionHead({ inputDim: 64, outputDim: 64, rng: rng.fork() });
  return new SimCLRModel({ encoder, head });
}

/**
 * SimCLR's augmentation sized for 28×28 gray images: the paper's crop + flip + colour jitter +
 * grayscale, with the CIFAR-10 setting's colour strength 0.5 and no blur, and crops of at least 30% of
 * the image (8% of 28×28 leaves a few pixels). On gray images the jitter varies brightness and contrast.
 */
export const TRAINING_AUGMENT: SimclrAugmentOptions = {
  size: IMAGE_SHAPE[0],
  strength: 0.5,
  scale: [0.3, 1],
  blur: false,
};

/** {@link TRAINING_AUGMENT} as the function `pretrain` applies on the page's thread. */
export function trainingAugment(): Augmentation {
  return simclrAugment(TRAINING_AUGMENT);
}

/** {@link TRAINING_AUGMENT} as the recipe each worker of `pretrainReplicated` builds it from. */
export function trainingAugmentSpec(): AugmentSpec {
  return { simclr: TRAINING_AUGMENT };
}

/**
 * The `pretrain` configuration: Adam at a fixed base rate with cosine decay (no warm-up: runs here are a
 * few hundred steps), NT-Xent at τ = 0.5, a checkpoint every `checkpointEvery` steps, and `resume: 'auto'`
 * so that after a pause the same call continues from the newest checkpoint.
 */
export function trainingConfig(settings: TrainingSettings, checkpointEvery: number): PretrainConfigInput {
  return {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed: settings.seed,
    optimizer: {
      name: 'adam',
      baseLearningRate: settings.learningRate,
      lrScaling: 'none',
      warmupEpochs: 0,
    },
    loss: { name: 'nt-xent', temperature: 0.5 },
    checkpointEvery,
    resume: 'auto',
  };
}

import {
  type PretrainConfigInput,
  type PretrainContext,
  type PretrainResult,
  pretrain,
  pretrainReplicated,
} from '@simclr/train';
import { spawnReplica } from './replica-workers.js';
import { trainingAugment, trainingAugmentSpec } from './training-setup.js';

/** `pretrain`'s context without the augmentation (the page's is used), plus the number of workers. */
export interface PageRunContext extends Omit<PretrainContext, 'augment'> {
  /**
   * 1: `pretrain` on the page's thread and backend. More: `pretrainReplicated` on that many Web Workers,
   * each training on wasm; the batch size must be a multiple of it and the page cross-origin isolated.
   */
  workers: number;
}

/**
 * Pretrains `context.model` with the page's augmentation, on the page's thread or data-parallel on Web
 * Workers. Both take the same config, checkpoint sink, signal and callbacks, so pausing, resuming and the
 * kNN check afterwards work the same: `pretrainReplicated` copies the workers' weights back into the model
 * before every `onEpoch` and at the end.
 */
export function runPretrain(config: PretrainConfigInput, context: PageRunContext): Promise<PretrainResult> {
  const { workers, ...rest } = context;
  if (workers <= 1) return pretrain(config, { ...rest, augment: trainingAugment() });
  return pretrainReplicated(config, {
    ...rest,
    augment: trainingAugmentSpec(),
    workers,
    backend: 'wasm',
    spawn: spawnReplica,
  });
}

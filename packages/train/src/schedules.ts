import { assertNumber, assertOneOf } from '@simclr/core';

/** A learning rate as a function of the (0-based) optimisation step. */
export type LearningRateSchedule = (step: number) => number;

/** Options of {@link warmupCosine}. */
export interface WarmupCosineOptions {
  /** Peak learning rate, reached at the end of warm-up. */
  baseLr: number;
  /** Steps of linear warm-up from 0. Default 0. The paper warms up for 10 epochs. */
  warmupSteps?: number;
  /** Total steps of the run; the cosine reaches `finalLr` there. */
  totalSteps: number;
  /** Learning rate at the end of the decay. Default 0. */
  finalLr?: number;
}

/**
 * Linear warm-up then cosine decay without restarts, as in the official SimCLR code:
 * `lr(s) = base·s/W` for `s < W`, then `final + (base − final)·½(1 + cos(π·(s − W)/(T − W)))`,
 * held at `finalLr` after `totalSteps`.
 */
export function warmupCosine(options: WarmupCosineOptions): LearningRateSchedule {
  const { baseLr, warmupSteps = 0, totalSteps, finalLr = 0 } = options;
  assertNumber(baseLr, 'baseLr', { min: 0 });
  assertNumber(totalSteps, 'totalSteps', { min: 1, integer: true });
  assertNumber(warmupSteps, 'warmupSteps', { min: 0, max: totalSteps, integer: true });
  assertNumber(finalLr, 'finalLr', { min: 0, max: baseLr });
  return (step) => {
    if (step < warmupSteps) return (baseLr * step) / warmupSteps;
    const decaySteps = totalSteps - warmupSteps;
    if (decaySteps === 0 || step >= totalSteps) return finalLr;
    const progress = (step - warmupSteps) / decaySteps;
    return finalLr + (baseLr - finalLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

/** How the learning rate grows with the batch size. */
export type LearningRateScaling = 'linear' | 'sqrt';

/**
 * The paper's batch-size scaling: `'linear'` gives `base·B/256` (0.3·B/256 with base 0.3), `'sqrt'` gives
 * `base·√B` (0.075·√B with base 0.075, better for small batches and long training).
 */
export function scaleLearningRate(base: number, batchSize: number, scaling: LearningRateScaling): number {
  assertNumber(base, 'base', { min: 0 });
  assertNumber(batchSize, 'batchSize', { min: 1, integer: true });
  assertOneOf(scaling, ['linear', 'sqrt'], 'scaling');
  return scaling === 'linear' ? (base * batchSize) / 256 : base * Math.sqrt(batchSize);
}

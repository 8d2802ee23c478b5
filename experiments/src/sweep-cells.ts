import type { Cell } from './cell.js';

/** The quickstart's recipe before tuning (3 epochs). */
export const BASELINE: Cell = {
  name: 'baseline',
  widths: [32, 64, 128, 256],
  headLayers: 2,
  projectionDim: 128,
  augment: { size: 28, strength: 0.5, blur: false, scale: [0.2, 1] },
  config: {
    epochs: 3,
    batchSize: 128,
    optimizer: {
      name: 'adamw',
      baseLearningRate: 2e-3,
      lrScaling: 'none',
      weightDecay: 1e-4,
      warmupEpochs: 0.5,
    },
    loss: { name: 'nt-xent', temperature: 0.2 },
  },
};

type Change = Partial<Omit<Cell, 'config'>> & { config?: Partial<Cell['config']> };

/** The baseline with some fields replaced. */
export function variant(name: string, change: Change, base: Cell = BASELINE): Cell {
  return {
    ...base,
    ...change,
    name,
    augment: { ...base.augment, ...change.augment },
    config: {
      ...base.config,
      ...change.config,
      optimizer: { ...base.config.optimizer, ...change.config?.optimizer },
      loss: { ...base.config.loss, ...change.config?.loss },
    },
  };
}

/** The sweep: one change from the baseline at a time. */
export const SWEEP: Cell[] = [
  BASELINE,
  variant('stride1-first', { strides: [1, 2, 2, 2] }),
  variant('wide-512', { widths: [64, 128, 256, 512] }),
  variant('tau-0.5', { config: { loss: { name: 'nt-xent', temperature: 0.5 } } }),
  variant('tau-0.1', { config: { loss: { name: 'nt-xent', temperature: 0.1 } } }),
  variant('scale-0.08', { augment: { size: 28, scale: [0.08, 1] } }),
  variant('strength-1', { augment: { size: 28, strength: 1 } }),
  variant('batch-256', { config: { batchSize: 256 } }),
  variant('last-512', { widths: [32, 64, 128, 512] }),
  variant('flatten', { pooling: 'flatten' }),
  variant('lr-4e-3', { config: { optimizer: { baseLearningRate: 4e-3 } } }),
  variant('lr-1e-3', { config: { optimizer: { baseLearningRate: 1e-3 } } }),
];

import { adam, adamw } from './adamw.js';
import type { PretrainConfig } from './config.js';
import { lars, sgd } from './lars.js';

/** An optimizer whose learning rate a schedule sets before every step. */
export type ScheduledOptimizer = ReturnType<typeof lars> | ReturnType<typeof adamw>;

/** Builds the optimizer a pretraining config names, at learning rate `learningRate`. */
export function createOptimizer(
  config: PretrainConfig['optimizer'],
  learningRate: number,
): ScheduledOptimizer {
  const { name, momentum, weightDecay, eta } = config;
  switch (name) {
    case 'lars':
      return lars({ learningRate, momentum, weightDecay, eta });
    case 'sgd':
      return sgd({ learningRate, momentum, weightDecay });
    case 'adamw':
      return adamw({ learningRate, weightDecay });
    case 'adam':
      return adam({ learningRate });
  }
}

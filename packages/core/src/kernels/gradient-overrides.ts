import * as tf from '@tensorflow/tfjs-core';
import { batchNormGradConfig } from './batch-norm-gradient.js';
import { meanGradConfig } from './mean-gradient.js';

/** Gradients that replace tfjs-core's with the same results in fewer passes over the activations. */
export const GRADIENT_OVERRIDES: readonly tf.GradConfig[] = [batchNormGradConfig, meanGradConfig];

/** Registers {@link GRADIENT_OVERRIDES} where another gradient is registered for their kernel. */
export function registerGradientOverrides(): void {
  for (const config of GRADIENT_OVERRIDES) {
    if (tf.getGradient(config.kernelName) !== config) tf.registerGradient(config);
  }
}

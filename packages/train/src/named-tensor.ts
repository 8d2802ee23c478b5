import type { Tensor } from '@tensorflow/tfjs-core';

/** A tensor with a name, as optimizers exchange their state (`getWeights` / `setWeights`). */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

import type { SimCLRModel } from '@simclr/models';

/**
 * The sum of |w| over every weight of the encoder and the head (batch-norm statistics included), in
 * float64 and in a fixed order: a fingerprint that shows a saved and reloaded model, here or in Node,
 * holds the same numbers.
 */
export async function weightsChecksum(model: SimCLRModel): Promise<number> {
  let sum = 0;
  for (const weight of [...model.encoder.weights, ...model.head.weights]) {
    for (const value of await weight.read().data()) sum += Math.abs(value);
  }
  return sum;
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * The values of every tensor, read to the host together; the tensors are freed whether or not a read
 * fails.
 */
export async function readAndDispose<T extends readonly tf.Tensor[]>(
  tensors: readonly [...T],
): Promise<{ [K in keyof T]: ArrayLike<number> }> {
  try {
    return (await Promise.all(tensors.map((t) => t.data()))) as { [K in keyof T]: ArrayLike<number> };
  } finally {
    tf.dispose([...tensors]);
  }
}

import { assertDtype, assertFinite, assertRank, SimclrError } from '@simclr/core';
import type { Tensor2D } from '@tensorflow/tfjs-core';

/** Throws unless `z` is a finite float32 `[N, D]` batch of embeddings with N >= 2 and D >= 1. */
export function assertEmbeddings(z: unknown, name: string): asserts z is Tensor2D {
  assertRank(z, 2, name);
  assertDtype(z, 'float32', name);
  const [n, d] = z.shape as [number, number];
  if (n < 2) {
    throw new SimclrError(`${name} must hold at least 2 embeddings (rows), got shape [${z.shape.join(',')}]`);
  }
  if (d < 1) {
    throw new SimclrError(`${name} must have at least 1 feature (column), got shape [${z.shape.join(',')}]`);
  }
  assertFinite(z, name);
}

/** Throws unless `z1` and `z2` are valid embedding batches of the same shape (row i of each: one image). */
export function assertPair(z1: unknown, z2: unknown): asserts z1 is Tensor2D {
  assertRank(z1, 2, 'z1');
  assertRank(z2, 2, 'z2');
  if (z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1]) {
    throw new SimclrError(
      `z1 and z2 must have the same shape [N, D] (row i of each is a view of image i), got [${z1.shape.join(',')}] and [${z2.shape.join(',')}]`,
    );
  }
  assertEmbeddings(z1, 'z1');
  assertEmbeddings(z2, 'z2');
}

import type { TensorInfo } from '@tensorflow/tfjs-core';
import { sizeOf } from './heap.js';

/** A batched matmul the addon computes, and the shape of its result. */
export interface MatMulGeometry {
  /** [batchA, batchB, m, k, n, transA, transB] */
  geometry: number[];
  outShape: number[];
  n: number;
}

/**
 * The geometry of op(a) · op(b) over the leading (batch) dimensions, when the addon can compute it:
 * float32, equal inner sizes, and batches that are equal or where one side has a single matrix (shared
 * by every matrix of the other). Other broadcasts return null and stay with the wasm backend.
 */
export function matMulGeometry(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): MatMulGeometry | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = sizeOf(outerA);
  const batchB = sizeOf(outerB);
  if (k !== kb || m === 0 || n === 0 || k === 0) return null;
  let outer: number[];
  if (batchB === 1) outer = outerA;
  else if (batchA === 1) outer = outerB;
  else if (outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i])) outer = outerA;
  else return null;
  // tfjs keeps the higher rank's leading dimensions when one side is a single matrix.
  if (batchA === 1 && batchB === 1) outer = (ra >= rb ? outerA : outerB) as number[];
  return {
    geometry: [batchA, batchB, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0],
    outShape: [...outer, m, n],
    n,
  };
}

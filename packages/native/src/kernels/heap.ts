import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/**
 * A float32 view of `t` on the wasm heap: the addon reads and writes the tensors where they are. Take the
 * views after every output is allocated, since an allocation can grow the heap and detach older views.
 */
export function heapView(backend: unknown, t: TensorInfo): Float32Array {
  return (backend as BackendWasm).typedArrayFromHeap(t) as Float32Array;
}

/** A new float32 tensor on the wasm heap. */
export function makeOutput(backend: unknown, shape: number[]): TensorInfo {
  return (backend as BackendWasm).makeOutput(shape, 'float32');
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

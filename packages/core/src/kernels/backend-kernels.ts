import type { BackendValues, DataType, KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { SimclrError } from '../errors.js';

/**
 * Runs kernels of one backend directly, below the engine, so a composite kernel can be built from the
 * backend's own fast primitives. The engine does not track what these calls return; {@link withKernels}
 * frees every intermediate through the backend.
 */
export interface KernelRunner {
  /** Runs the backend's kernel `name`; the result is freed when the composite kernel returns. */
  run(name: string, inputs: Record<string, TensorInfo>, attrs?: NamedAttrMap): TensorInfo;
  /** The values of `t`, read synchronously (wasm and cpu keep tensors in host memory). */
  read(t: TensorInfo): BackendValues;
  /** A tensor made from host values, freed like any intermediate. */
  upload(values: BackendValues, shape: number[], dtype: DataType): TensorInfo;
}

/**
 * Calls `body` with a {@link KernelRunner} for `backendName` and returns its result, freeing every other
 * tensor made on the way, also when `body` throws.
 */
export function withKernels(
  backendName: string,
  backend: KernelBackend,
  body: (k: KernelRunner) => TensorInfo,
): TensorInfo {
  const made: TensorInfo[] = [];
  const runner: KernelRunner = {
    run(name, inputs, attrs = {}) {
      const kernel = tf.getKernel(name, backendName);
      if (kernel === undefined) {
        throw new SimclrError(`the ${backendName} backend has no '${name}' kernel, which training needs`);
      }
      const out = kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
      made.push(out);
      return out;
    },
    read(t) {
      return backend.readSync(t.dataId);
    },
    upload(values, shape, dtype) {
      const out: TensorInfo = { dataId: backend.write(values, shape, dtype), shape, dtype };
      made.push(out);
      return out;
    },
  };
  let result: TensorInfo | undefined;
  try {
    result = body(runner);
    return result;
  } finally {
    for (const t of made) if (t !== result) backend.disposeData(t.dataId);
  }
}

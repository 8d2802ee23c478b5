import { ColorJitter } from '@simclr/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { colorJitterHost } from './color-jitter-host.js';
import { colorJitterWebgl } from './color-jitter-webgl.js';

/** tfjs-backend-cpu's: values in JS arrays. */
interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/** tfjs-backend-wasm's: values on the wasm heap, read and written where they are. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): ArrayLike<number>;
}

/** The kernel on cpu: one pass per image on the host (see `colorJitterHost`). */
const cpuKernel: KernelFunc = ({ inputs, backend }) => {
  const { x, params } = inputs as Record<'x' | 'params', TensorInfo>;
  const cpu = backend as unknown as CpuBackend;
  const values = cpu.data.get(x.dataId).values as Float32Array;
  const out = new Float32Array(values.length);
  colorJitterHost(values, cpu.data.get(params.dataId).values as Float32Array, out, x.shape[0]!, x.shape[3]!);
  return cpu.makeTensorInfo(x.shape, 'float32', out);
};

/** The kernel on wasm: the same host loop, reading and writing the wasm heap in place. */
const wasmKernel: KernelFunc = ({ inputs, backend }) => {
  const { x, params } = inputs as Record<'x' | 'params', TensorInfo>;
  const wasm = backend as unknown as WasmBackend;
  const out = wasm.makeOutput(x.shape, 'float32');
  // Views after the allocation, which may grow (and detach) the heap.
  const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
  colorJitterHost(view(x), view(params), view(out), x.shape[0]!, x.shape[3]!);
  return out;
};

const KERNELS: Readonly<Record<string, KernelFunc>> = {
  cpu: cpuKernel,
  wasm: wasmKernel,
  webgl: colorJitterWebgl,
};

/**
 * Whether the active backend has the fused colour kernel, registering this package's own for cpu, wasm
 * and webgl on first use (a backend package's own, such as `@simclr/native`'s, stays).
 */
export function hasColorJitterKernel(): boolean {
  const backend = tf.getBackend();
  if (tf.getKernel(ColorJitter, backend) !== undefined) return true;
  const kernelFunc = KERNELS[backend];
  if (kernelFunc === undefined) return false;
  tf.registerKernel({ kernelName: ColorJitter, backendName: backend, kernelFunc });
  return true;
}

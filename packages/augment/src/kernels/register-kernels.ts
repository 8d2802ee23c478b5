import { ColorJitter, GaussianBlur } from '@simclr/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { colorJitterHost } from './color-jitter-host.js';
import { colorJitterWebgl } from './color-jitter-webgl.js';
import { gaussianBlurHost } from './gaussian-blur-host.js';

/** A kernel written as a loop over float32 arrays: the inputs' values, the output's, x's shape. */
type HostLoop = (x: Float32Array, second: Float32Array, out: Float32Array, shape: readonly number[]) => void;

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

/** The loop as a cpu kernel of two inputs (x first), whose output has x's shape. */
function onCpu(loop: HostLoop): KernelFunc {
  return ({ inputs, backend }) => {
    const [x, second] = Object.values(inputs) as [TensorInfo, TensorInfo];
    const cpu = backend as unknown as CpuBackend;
    const values = (t: TensorInfo) => cpu.data.get(t.dataId).values as Float32Array;
    const out = new Float32Array(values(x).length);
    loop(values(x), values(second), out, x.shape);
    return cpu.makeTensorInfo(x.shape, 'float32', out);
  };
}

/** The loop as a wasm kernel, reading and writing the heap in place. */
function onWasm(loop: HostLoop): KernelFunc {
  return ({ inputs, backend }) => {
    const [x, second] = Object.values(inputs) as [TensorInfo, TensorInfo];
    const wasm = backend as unknown as WasmBackend;
    const out = wasm.makeOutput(x.shape, 'float32');
    // Views after the allocation, which may grow (and detach) the heap.
    const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
    loop(view(x), view(second), view(out), x.shape);
    return out;
  };
}

const colorLoop: HostLoop = (x, params, out, shape) => colorJitterHost(x, params, out, shape[0]!, shape[3]!);

/** This package's kernels, by kernel name and backend. */
const KERNELS: Readonly<Record<string, Readonly<Record<string, KernelFunc>>>> = {
  [ColorJitter]: { cpu: onCpu(colorLoop), wasm: onWasm(colorLoop), webgl: colorJitterWebgl },
  [GaussianBlur]: { cpu: onCpu(gaussianBlurHost), wasm: onWasm(gaussianBlurHost) },
};

/**
 * Whether the active backend has the kernel `name`, registering this package's own on first use where
 * it has one (a kernel registered by someone else, such as `@simclr/native`'s, stays).
 */
export function hasKernel(name: typeof ColorJitter | typeof GaussianBlur): boolean {
  const backend = tf.getBackend();
  if (tf.getKernel(name, backend) !== undefined) return true;
  const kernelFunc = KERNELS[name]?.[backend];
  if (kernelFunc === undefined) return false;
  tf.registerKernel({ kernelName: name, backendName: backend, kernelFunc });
  return true;
}

import { ColorJitter, CropResize, GaussianBlur } from '@simclr/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { colorJitterHost } from './color-jitter-host.js';
import { colorJitterWebgl } from './color-jitter-webgl.js';
import { cropResizeHost } from './crop-resize-host.js';
import { gaussianBlurHost } from './gaussian-blur-host.js';

/**
 * A kernel written as a loop over float32 arrays: the inputs' values (x first), the output's, and the
 * inputs' shapes; `outShape` gives the output's shape from those.
 */
interface HostLoop {
  run(inputs: Float32Array[], out: Float32Array, shapes: number[][]): void;
  outShape(shapes: number[][]): number[];
}

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

/** The loop as a cpu kernel. */
function onCpu(loop: HostLoop): KernelFunc {
  return ({ inputs, backend }) => {
    const infos = Object.values(inputs) as TensorInfo[];
    const cpu = backend as unknown as CpuBackend;
    const shapes = infos.map((t) => t.shape);
    const shape = loop.outShape(shapes);
    const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
    loop.run(
      infos.map((t) => cpu.data.get(t.dataId).values as Float32Array),
      out,
      shapes,
    );
    return cpu.makeTensorInfo(shape, 'float32', out);
  };
}

/** The loop as a wasm kernel, reading and writing the heap in place. */
function onWasm(loop: HostLoop): KernelFunc {
  return ({ inputs, backend }) => {
    const infos = Object.values(inputs) as TensorInfo[];
    const wasm = backend as unknown as WasmBackend;
    const shapes = infos.map((t) => t.shape);
    const out = wasm.makeOutput(loop.outShape(shapes), 'float32');
    // Views after the allocation, which may grow (and detach) the heap.
    const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
    loop.run(infos.map(view), view(out), shapes);
    return out;
  };
}

const sameShape = (shapes: number[][]) => shapes[0]!;
const colorLoop: HostLoop = {
  run: ([x, params], out, [shape]) => colorJitterHost(x!, params!, out, shape![0]!, shape![3]!),
  outShape: sameShape,
};
const blurLoop: HostLoop = {
  run: ([x, taps], out, [shape]) => gaussianBlurHost(x!, taps!, out, shape!),
  outShape: sameShape,
};
/** Output rows and columns per image from the taps' lengths. */
const cropShape = ([x, rows, cols]: number[][]) => {
  const n = x![0]!;
  return [n, rows![0]! / n, cols![0]! / n, x![3]!];
};
const cropLoop: HostLoop = {
  run: ([x, rows, cols], out, shapes) => {
    const [, outH, outW] = cropShape(shapes);
    cropResizeHost(x!, rows!, cols!, out, shapes[0]!, outH!, outW!);
  },
  outShape: cropShape,
};

/** This package's kernels, by kernel name and backend. */
const KERNELS: Readonly<Record<string, Readonly<Record<string, KernelFunc>>>> = {
  [ColorJitter]: { cpu: onCpu(colorLoop), wasm: onWasm(colorLoop), webgl: colorJitterWebgl },
  [GaussianBlur]: { cpu: onCpu(blurLoop), wasm: onWasm(blurLoop) },
  [CropResize]: { cpu: onCpu(cropLoop), wasm: onWasm(cropLoop) },
};

/**
 * Whether the active backend has the kernel `name`, registering this package's own on first use where
 * it has one (a kernel registered by someone else, such as `@simclr/native`'s, stays).
 */
export function hasKernel(name: typeof ColorJitter | typeof GaussianBlur | typeof CropResize): boolean {
  const backend = tf.getBackend();
  if (tf.getKernel(name, backend) !== undefined) return true;
  const kernelFunc = KERNELS[name]?.[backend];
  if (kernelFunc === undefined) return false;
  tf.registerKernel({ kernelName: name, backendName: backend, kernelFunc });
  return true;
}

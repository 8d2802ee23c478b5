import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { heapView, makeOutput } from './heap.js';
import { matMulGeometry } from './mat-mul-geometry.js';

/** BatchMatMul (transposes included) through oneDNN's matmul; other broadcasts go to `fallback`. */
export function batchMatMulKernel(addon: NativeAddon, fallback: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    const g = matMulGeometry(a, b, transposeA, transposeB);
    if (g === null) return fallback.kernelFunc(args);
    const out = makeOutput(backend, g.outShape);
    addon.matmul(heapView(backend, a), heapView(backend, b), null, heapView(backend, out), g.geometry, false);
    return out;
  };
}

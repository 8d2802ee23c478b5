import type { _FusedMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { heapView, makeOutput, sizeOf } from './heap.js';
import { matMulGeometry } from './mat-mul-geometry.js';

/** _FusedMatMul (a dense layer: matmul + bias over the last axis + linear or relu) through oneDNN. */
export function fusedMatMulKernel(addon: NativeAddon, fallback: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b, bias } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
    const { transposeA, transposeB, activation } = attrs as unknown as _FusedMatMulAttrs;
    const g = matMulGeometry(a, b, transposeA, transposeB);
    const plainBias =
      bias === undefined ||
      (bias.dtype === 'float32' && bias.shape.length === 1 && sizeOf(bias.shape) === g?.n);
    if (g === null || !plainBias || (activation !== 'linear' && activation !== 'relu')) {
      return fallback.kernelFunc(args);
    }
    const out = makeOutput(backend, g.outShape);
    addon.matmul(
      heapView(backend, a),
      heapView(backend, b),
      bias === undefined ? null : heapView(backend, bias),
      heapView(backend, out),
      g.geometry,
      activation === 'relu',
    );
    return out;
  };
}

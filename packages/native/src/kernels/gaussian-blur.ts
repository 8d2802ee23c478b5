import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { heapView, makeOutput } from './heap.js';

/** `SimclrGaussianBlur` through the addon: the images in parallel, rows then columns, vectorised. */
export function gaussianBlurKernel(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend }) => {
    const { x, taps } = inputs as Record<'x' | 'taps', TensorInfo>;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const out = makeOutput(backend, x.shape);
    addon.gaussianBlur(heapView(backend, x), heapView(backend, taps), heapView(backend, out), [
      n,
      h,
      w,
      c,
      taps.shape[1]!,
    ]);
    return out;
  };
}

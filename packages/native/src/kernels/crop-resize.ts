import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { heapView, makeOutput } from './heap.js';

/** `SimclrCropResize` through the addon: the images in parallel. */
export function cropResizeKernel(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend }) => {
    const { x, rows, cols } = inputs as Record<'x' | 'rows' | 'cols', TensorInfo>;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const outH = rows.shape[0]! / n;
    const outW = cols.shape[0]! / n;
    const out = makeOutput(backend, [n, outH, outW, c]);
    const view = (t: TensorInfo) => heapView(backend, t);
    addon.cropResize(view(x), view(rows), view(cols), view(out), [n, h, w, c, outH, outW]);
    return out;
  };
}

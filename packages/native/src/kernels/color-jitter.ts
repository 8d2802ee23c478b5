import { COLOR_JITTER_PARAMS } from '@simclr/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { heapView, makeOutput } from './heap.js';

/** `SimclrColorJitter` through the addon: the images in parallel, one pass each while it is in cache. */
export function colorJitterKernel(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend }) => {
    const { x, params } = inputs as Record<'x' | 'params', TensorInfo>;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const out = makeOutput(backend, x.shape);
    addon.colorJitter(heapView(backend, x), heapView(backend, params), heapView(backend, out), [
      n,
      h * w,
      c,
      COLOR_JITTER_PARAMS,
    ]);
    return out;
  };
}

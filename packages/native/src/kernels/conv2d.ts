import type { Conv2DAttrs, Conv2DInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { convGeometry, convInfo, nativeConv } from './conv-geometry.js';
import { heapView, makeOutput } from './heap.js';

/** Conv2D through oneDNN; other cases go to `fallback`, the wasm backend's own kernel. */
export function conv2dKernel(addon: NativeAddon, fallback: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, filter } = inputs as unknown as Required<Record<keyof Conv2DInputs, TensorInfo>>;
    const info = convInfo(x.shape, filter.shape, attrs as unknown as Conv2DAttrs);
    if (!nativeConv(info, [x, filter])) return fallback.kernelFunc(args);
    const out = makeOutput(backend, info.outShape);
    addon.conv2d(
      heapView(backend, x),
      heapView(backend, filter),
      null,
      heapView(backend, out),
      convGeometry(info),
      false,
    );
    return out;
  };
}

import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { convGeometry, convInfo, nativeConv } from './conv-geometry.js';
import { heapView, makeOutput } from './heap.js';

/** Conv2DBackpropInput (dx from dy and the filter) through oneDNN's backward-data convolution. */
export function conv2dBackpropInputKernel(addon: NativeAddon, fallback: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as Conv2DBackpropInputAttrs;
    const info = convInfo(a.inputShape, filter.shape, a);
    if (!nativeConv(info, [dy, filter])) return fallback.kernelFunc(args);
    const out = makeOutput(backend, info.inShape);
    addon.conv2dBackpropInput(
      heapView(backend, dy),
      heapView(backend, filter),
      heapView(backend, out),
      convGeometry(info),
    );
    return out;
  };
}

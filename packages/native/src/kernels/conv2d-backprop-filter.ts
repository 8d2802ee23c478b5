import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { convGeometry, convInfo, nativeConv } from './conv-geometry.js';
import { heapView, makeOutput } from './heap.js';

/** Conv2DBackpropFilter (dW from x and dy) through oneDNN's backward-weights convolution. */
export function conv2dBackpropFilterKernel(addon: NativeAddon, fallback: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as Conv2DBackpropFilterAttrs;
    const { filterShape } = a;
    const info = convInfo(x.shape, filterShape, a);
    if (!nativeConv(info, [x, dy])) return fallback.kernelFunc(args);
    const out = makeOutput(backend, [...filterShape]);
    addon.conv2dBackpropFilter(
      heapView(backend, x),
      heapView(backend, dy),
      heapView(backend, out),
      convGeometry(info),
    );
    return out;
  };
}

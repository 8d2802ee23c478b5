import {
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { convGeometry, nativeConv } from './conv-geometry.js';
import { heapView, makeOutput } from './heap.js';

/** Conv2DBackpropFilter (dW from x and dy) through oneDNN's backward-weights convolution. */
export function conv2dBackpropFilterKernel(addon: NativeAddon, fallback: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      attrs as unknown as Conv2DBackpropFilterAttrs;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
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

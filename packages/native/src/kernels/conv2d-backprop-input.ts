import {
  backend_util,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { convGeometry, nativeConv } from './conv-geometry.js';
import { heapView, makeOutput } from './heap.js';

/** Conv2DBackpropInput (dx from dy and the filter) through oneDNN's backward-data convolution. */
export function conv2dBackpropInputKernel(addon: NativeAddon, fallback: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      attrs as unknown as Conv2DBackpropInputAttrs;
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
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

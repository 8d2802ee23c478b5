import type { FusedConv2DAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { convGeometry, convInfo, nativeConv } from './conv-geometry.js';
import { heapView, makeOutput, sizeOf } from './heap.js';

/**
 * FusedConv2D (convolution + per-channel bias + linear or relu) through oneDNN, the bias and activation
 * fused into the primitive; other activations and bias shapes go to `fallback`.
 */
export function fusedConv2dKernel(addon: NativeAddon, fallback: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    const { activation } = attrs as unknown as FusedConv2DAttrs;
    const info = convInfo(x.shape, filter.shape, attrs as unknown as FusedConv2DAttrs);
    const plainBias =
      bias === undefined || (bias.dtype === 'float32' && sizeOf(bias.shape) === info.outChannels);
    if ((activation !== 'linear' && activation !== 'relu') || !plainBias || !nativeConv(info, [x, filter])) {
      return fallback.kernelFunc(args);
    }
    const out = makeOutput(backend, info.outShape);
    addon.conv2d(
      heapView(backend, x),
      heapView(backend, filter),
      bias === undefined ? null : heapView(backend, bias),
      heapView(backend, out),
      convGeometry(info),
      activation === 'relu',
    );
    return out;
  };
}

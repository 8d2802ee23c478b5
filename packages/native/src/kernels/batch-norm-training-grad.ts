import type { BatchNormTrainingAttrs } from '@simclr/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { heapView, makeOutput, sizeOf } from './heap.js';

type Inputs = Record<'dy' | 'x' | 'scale' | 'mean' | 'variance' | 'dmean' | 'dvariance', TensorInfo>;

/** `SimclrBatchNormTrainingGrad` through the addon: the two per-channel sums, then dx, in two threaded passes. */
export function batchNormTrainingGradKernel(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, x, scale, mean, variance, dmean, dvariance } = inputs as Inputs;
    const { epsilon } = attrs as unknown as BatchNormTrainingAttrs;
    const channels = x.shape[x.shape.length - 1]!;
    const dx = makeOutput(backend, x.shape);
    const dscale = makeOutput(backend, [channels]);
    const doffset = makeOutput(backend, [channels]);
    const view = (t: TensorInfo) => heapView(backend, t);
    addon.batchNormGrad(
      view(dy),
      view(x),
      view(scale),
      view(mean),
      view(variance),
      view(dmean),
      view(dvariance),
      view(dx),
      view(dscale),
      view(doffset),
      [sizeOf(x.shape) / channels, channels],
      epsilon,
    );
    return [dx, dscale, doffset];
  };
}

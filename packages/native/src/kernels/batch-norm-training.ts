import type { BatchNormTrainingAttrs } from '@simclr/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import { heapView, makeOutput, sizeOf } from './heap.js';

/** `SimclrBatchNormTraining` through the addon: statistics and normalisation in two threaded passes. */
export function batchNormTrainingKernel(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, scale, offset } = inputs as Record<'x' | 'scale' | 'offset', TensorInfo>;
    const { epsilon } = attrs as unknown as BatchNormTrainingAttrs;
    const channels = x.shape[x.shape.length - 1]!;
    const y = makeOutput(backend, x.shape);
    const mean = makeOutput(backend, [channels]);
    const variance = makeOutput(backend, [channels]);
    const view = (t: TensorInfo) => heapView(backend, t);
    addon.batchNorm(
      view(x),
      view(scale),
      view(offset),
      view(y),
      view(mean),
      view(variance),
      [sizeOf(x.shape) / channels, channels],
      epsilon,
    );
    return [y, mean, variance];
  };
}

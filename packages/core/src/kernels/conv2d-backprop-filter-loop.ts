import type { Conv2DBackpropFilterAttrs, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { convGeometry } from './conv-geometry.js';

/**
 * `Conv2DBackpropFilter` for the cpu backend as one direct loop over the forward convolution's terms.
 * tfjs-backend-cpu's own kernel reads every element through `TensorBuffer.get` (~0.01 GFLOP/s), and
 * building dW from cpu's forward Conv2D (see `conv2d-backprop-filter.ts`) spends most of its time in
 * cpu's Transpose and Slice, which index element by element. This loop touches x and dy in place, in
 * either data format, with the innermost loop running along contiguous output channels like cpu's own
 * forward Conv2D, and accumulates in float64.
 */
export const conv2dBackpropFilterLoop: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as Conv2DBackpropFilterAttrs;
  const g = convGeometry('Conv2DBackpropFilter', x.shape, a.filterShape, dy.shape, a);
  const b = backend as KernelBackend;
  const xv = b.readSync(x.dataId) as Float32Array;
  const dyv = b.readSync(dy.dataId) as Float32Array;
  const { inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = g;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  // Element strides of the batch, row, column and channel axes in each tensor's own layout.
  const [xb, xr, xc, xd] = g.channelsLast ? [h * w * ci, w * ci, ci, 1] : [ci * h * w, w, 1, h * w];
  const [yb, yr, yc, yd] = g.channelsLast ? [oh * ow * co, ow * co, co, 1] : [co * oh * ow, ow, 1, oh * ow];
  const dW = new Float64Array(fh * fw * ci * co);
  for (let n = 0; n < g.batch; n++) {
    for (let r = 0; r < oh; r++) {
      for (let i = 0; i < fh; i++) {
        const xRow = r * sh + i - g.padTop;
        if (xRow < 0 || xRow >= h) continue;
        for (let c = 0; c < ow; c++) {
          const yBase = n * yb + r * yr + c * yc;
          for (let j = 0; j < fw; j++) {
            const xCol = c * sw + j - g.padLeft;
            if (xCol < 0 || xCol >= w) continue;
            const xBase = n * xb + xRow * xr + xCol * xc;
            let wBase = (i * fw + j) * ci * co;
            for (let p = 0; p < ci; p++) {
              const xp = xv[xBase + p * xd]!;
              for (let q = 0; q < co; q++) dW[wBase + q]! += xp * dyv[yBase + q * yd]!;
              wBase += co;
            }
          }
        }
      }
    }
  }
  const shape = [fh, fw, ci, co];
  return { dataId: b.write(Float32Array.from(dW), shape, 'float32'), shape, dtype: 'float32' };
};

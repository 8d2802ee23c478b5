import type { Conv2DBackpropFilterAttrs, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { withKernels } from './backend-kernels.js';
import { convGeometry } from './conv-geometry.js';
import { explicitPadding } from './spatial-padding.js';

/**
 * `Conv2DBackpropFilter` (the filter gradient dW of a 2-D convolution) as one forward Conv2D of the
 * backend, so it runs at the speed of the backend's forward convolution (XNNPACK on wasm):
 *
 *     dW[fh, fw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + fh − pt, ow·sw + fw − pl, ci] · dy[n, oh, ow, co]
 *
 * is a convolution of x with its channels as the batch and its batch as the channels ([Ci, H, W, N]),
 * by dy as the filter ([OH, OW, N, Co]), with the forward strides as dilations. Its [Ci, FH, FW, Co]
 * output is transposed to the filter layout. Top/left padding is the forward one; bottom/right padding
 * is whatever makes the output exactly FH × FW (negative when the forward conv never read the last rows).
 */
export function conv2dBackpropFilterKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as Conv2DBackpropFilterAttrs;
    const g = convGeometry('Conv2DBackpropFilter', x.shape, a.filterShape, dy.shape, a);
    const filterShape = [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
    return withKernels(backendName, backend as KernelBackend, (k) => {
      const zeros = () => k.run('Fill', {}, { shape: filterShape, value: 0, dtype: 'float32' });
      if ([...x.shape, ...dy.shape].includes(0)) return zeros();
      const xT = k.run('Transpose', { x }, { perm: g.channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0] });
      const dyT = k.run('Transpose', { x: dy }, { perm: g.channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1] });
      const spanHeight = (g.outHeight - 1) * g.strideHeight + g.filterHeight;
      const spanWidth = (g.outWidth - 1) * g.strideWidth + g.filterWidth;
      const padded = explicitPadding(k, xT, {
        top: g.padTop,
        bottom: spanHeight - g.inHeight - g.padTop,
        left: g.padLeft,
        right: spanWidth - g.inWidth - g.padLeft,
      });
      if (padded === undefined) return zeros();
      const dW = k.run(
        'Conv2D',
        { x: padded.x, filter: dyT },
        { strides: [1, 1], pad: padded.pad, dataFormat: 'NHWC', dilations: [g.strideHeight, g.strideWidth] },
      );
      return k.run('Transpose', { x: dW }, { perm: [1, 2, 0, 3] });
    });
  };
}

import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';

/** The attributes every conv kernel of tfjs carries (the gradients have no dilations: 1). */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: Parameters<typeof backend_util.computeConv2DInfo>[4];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
}

/** The 17 integers the addon takes for a convolution, from tfjs's own geometry. */
export function convGeometry(info: backend_util.Conv2DInfo): number[] {
  const { padInfo: p } = info;
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    p.top,
    p.bottom,
    p.left,
    p.right,
  ];
}

/**
 * Whether oneDNN computes exactly this convolution: float32 NHWC tensors, and an output size that its
 * floor rule (in + pads − effective filter) / stride + 1 gives (tfjs's 'ceil' or 'round' rounding with
 * explicit pads can give another). Anything else stays with the wasm backend's own kernel.
 */
export function nativeConv(info: backend_util.Conv2DInfo, tensors: readonly TensorInfo[]): boolean {
  if (info.dataFormat !== 'channelsLast' || tensors.some((t) => t.dtype !== 'float32')) return false;
  const { padInfo: p } = info;
  const out = (size: number, before: number, after: number, filter: number, stride: number) =>
    Math.floor((size + before + after - filter) / stride) + 1;
  return (
    out(info.inHeight, p.top, p.bottom, info.effectiveFilterHeight, info.strideHeight) === info.outHeight &&
    out(info.inWidth, p.left, p.right, info.effectiveFilterWidth, info.strideWidth) === info.outWidth &&
    info.batchSize > 0 &&
    info.outHeight > 0 &&
    info.outWidth > 0
  );
}

/** tfjs's geometry of a convolution of `xShape` by `filterShape` under a conv kernel's attributes. */
export function convInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

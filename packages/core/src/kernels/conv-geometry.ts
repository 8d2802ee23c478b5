import type { Conv2DBackpropInputAttrs } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from '../describe-value.js';
import { SimclrError } from '../errors.js';

/** The attrs that fix the geometry of a 2-D convolution's gradients (shared by both backprop kernels). */
export type ConvGradAttrs = Pick<
  Conv2DBackpropInputAttrs,
  'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'
>;

/**
 * Sizes of a forward convolution `dy = conv2d(x, filter)`, always in NHWC terms. Only the top and left
 * padding are kept: they fix which input pixel each output pixel starts at; bottom and right padding
 * only decide how many output pixels there are, which `dy`'s shape already says.
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  /** False for NCHW tensors, which the kernels transpose to NHWC and back. */
  channelsLast: boolean;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function isPositiveInt(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) > 0;
}

/**
 * Validates the shapes and attrs that a `Conv2DBackpropInput` / `Conv2DBackpropFilter` kernel received
 * and returns the geometry of the forward convolution they differentiate. Padding follows tfjs-core's
 * `computeConv2DInfo` exactly, so 'same' splits odd padding with the extra pixel at the bottom/right.
 */
export function convGeometry(
  kernel: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  dyShape: readonly number[],
  attrs: ConvGradAttrs,
): ConvGeometry {
  for (const [name, shape] of [
    ['x', xShape],
    ['filter', filterShape],
    ['dy', dyShape],
  ] as const) {
    if (shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new SimclrError(`${kernel}: ${name} must have a rank-4 shape, got ${describeValue(shape)}`);
    }
  }
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  if (dataFormat !== 'NHWC' && dataFormat !== 'NCHW') {
    throw new SimclrError(`${kernel}: dataFormat must be 'NHWC' or 'NCHW', got ${describeValue(dataFormat)}`);
  }
  const strides = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
  if (!Array.isArray(strides) || strides.length !== 2 || !strides.every(isPositiveInt)) {
    throw new SimclrError(
      `${kernel}: strides must be a positive integer or two of them, got ${describeValue(attrs.strides)}`,
    );
  }
  const channelsLast = dataFormat === 'NHWC';
  let info: tf.backend_util.Conv2DInfo;
  try {
    info = tf.backend_util.computeConv2DInfo(
      xShape as [number, number, number, number],
      filterShape as [number, number, number, number],
      strides as [number, number],
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      channelsLast ? 'channelsLast' : 'channelsFirst',
    );
  } catch (cause) {
    throw new SimclrError(
      `${kernel}: pad must be 'same', 'valid', a number or explicit [[0,0],[top,bottom],[left,right],[0,0]] ` +
        `paddings, got ${describeValue(attrs.pad)}`,
      { cause },
    );
  }
  const nhwc = (s: readonly number[]) => (channelsLast ? s : [s[0]!, s[2]!, s[3]!, s[1]!]);
  const [batch, , , inChannels] = nhwc(xShape) as [number, number, number, number];
  const [filterHeight, filterWidth, filterIn, outChannels] = filterShape as [number, number, number, number];
  if (filterIn !== inChannels) {
    throw new SimclrError(
      `${kernel}: filter ${shapeText(filterShape)} must have ${inChannels} input channels to match x ` +
        `${shapeText(xShape)}, got ${filterIn}`,
    );
  }
  const want = [batch, info.outHeight, info.outWidth, outChannels];
  const got = nhwc(dyShape);
  if (!want.every((d, i) => d === got[i])) {
    throw new SimclrError(
      `${kernel}: dy must have the forward output's shape ${shapeText(channelsLast ? want : [want[0]!, want[3]!, want[1]!, want[2]!])} ` +
        `(x ${shapeText(xShape)}, filter ${shapeText(filterShape)}, strides ${describeValue(attrs.strides)}, ` +
        `pad ${describeValue(attrs.pad)}), got ${shapeText(dyShape)}`,
    );
  }
  return {
    batch,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    channelsLast,
  };
}

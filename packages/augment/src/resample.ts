import { bilinearTaps, CropResize } from '@simclr/core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { hasKernel } from './kernels/register-kernels.js';
import type { Batch } from './layout.js';
import { toNHWC } from './layout.js';

/** A crop in whole pixels of the source image. */
export interface PixelBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Source indices and weights along one axis: output `o` is `w0[o]·src[i0[o]] + w1[o]·src[i1[o]]`. */
interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

/**
 * The taps of torch's `interpolate(mode='bilinear', align_corners=False, antialias=False)` for a crop
 * of `length` pixels starting at `start` (see `bilinearTaps`: the crop's own border is replicated,
 * never the pixels outside it). `mirror` reverses the output, which is a horizontal flip.
 */
function axisTaps(start: number, length: number, outLength: number, mirror: boolean, taps: Taps, at: number) {
  const { index, weight } = bilinearTaps(length, outLength);
  for (let o = 0; o < outLength; o++) {
    const k = at + (mirror ? outLength - 1 - o : o);
    taps.i0[k] = start + index[2 * o]!;
    taps.i1[k] = start + index[2 * o + 1]!;
    taps.w0[k] = weight[2 * o]!;
    taps.w1[k] = weight[2 * o + 1]!;
  }
}

/** The taps of every output row and column of a batch's crops. */
interface AxisTaps {
  rows: Taps;
  cols: Taps;
}

function allTaps(
  boxes: readonly PixelBox[],
  mirror: ArrayLike<number>,
  outH: number,
  outW: number,
): AxisTaps {
  const n = boxes.length;
  const make = (len: number): Taps => ({
    i0: new Int32Array(len),
    i1: new Int32Array(len),
    w0: new Float32Array(len),
    w1: new Float32Array(len),
  });
  const rows = make(n * outH);
  const cols = make(n * outW);
  boxes.forEach((box, i) => {
    axisTaps(box.top, box.height, outH, false, rows, i * outH);
    axisTaps(box.left, box.width, outW, mirror[i] === 1, cols, i * outW);
  });
  return { rows, cols };
}

/** The same resampling as batched gathers, for backends whose gathers are cheap (webgl, tensorflow). */
function resampleOnDevice(images: Tensor4D, { rows, cols }: AxisTaps, outH: number, outW: number): Batch {
  const [n, h, w, c] = images.shape;
  const offset = (taps: Taps, key: 'i0' | 'i1', per: number, stride: number) =>
    tf.tensor1d(
      taps[key].map((v, k) => Math.floor(k / per) * stride + v),
      'int32',
    );
  const lerp = (src: tf.Tensor2D, taps: Taps, per: number, stride: number) =>
    tf.add(
      tf.mul(tf.gather(src, offset(taps, 'i0', per, stride)), tf.tensor2d(taps.w0, [taps.w0.length, 1])),
      tf.mul(tf.gather(src, offset(taps, 'i1', per, stride)), tf.tensor2d(taps.w1, [taps.w1.length, 1])),
    );
  const byRows = lerp(tf.reshape(images, [n * h, w * c]), rows, outH, h);
  const transposed = tf.transpose(tf.reshape(byRows, [n, outH, w, c]), [0, 2, 1, 3]);
  const byCols = lerp(tf.reshape(transposed, [n * w, outH * c]), cols, outW, w);
  return { layout: 'NHWC', x: tf.transpose(tf.reshape(byCols, [n, outW, outH, c]), [0, 2, 1, 3]) };
}

/** The taps as the `SimclrCropResize` kernel takes them: `[i0, i1, w0, w1]` per output row or column. */
function tapsTensor(taps: Taps): tf.Tensor2D {
  const packed = new Float32Array(4 * taps.i0.length);
  for (let k = 0; k < taps.i0.length; k++)
    packed.set([taps.i0[k]!, taps.i1[k]!, taps.w0[k]!, taps.w1[k]!], 4 * k);
  return tf.tensor2d(packed, [taps.i0.length, 4]);
}

/** The crop as one kernel call on the tensors where they are. */
function resampleByKernel(images: Tensor4D, { rows, cols }: AxisTaps): Batch {
  const x = tf.engine().runKernel(CropResize, { x: images, rows: tapsTensor(rows), cols: tapsTensor(cols) });
  return { layout: 'NHWC', x: x as Tensor4D };
}

/**
 * Crops `boxes[i]` out of image i and resizes it to `outH × outW` with torchvision's tensor bilinear
 * resampling (antialias off); images with `mirror[i] === 1` come out flipped left to right. It is one
 * `SimclrCropResize` kernel call where the backend has one (cpu and wasm: a plain loop over host memory,
 * where their GatherV2 and CropAndResize kernels cost 20-30 ns per output value; threaded with
 * `@simclr/native`), else batched gathers. `path` `'device'` forces the gathers whatever the backend,
 * so both paths can be tested everywhere.
 */
export function cropResize(
  batch: Batch,
  boxes: readonly PixelBox[],
  mirror: ArrayLike<number>,
  outH: number,
  outW: number,
  path: 'auto' | 'device' = 'auto',
): Batch {
  const images = toNHWC(batch);
  const taps = allTaps(boxes, mirror, outH, outW);
  return path === 'auto' && hasKernel(CropResize)
    ? resampleByKernel(images, taps)
    : resampleOnDevice(images, taps, outH, outW);
}

import type { Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from './layout.js';
import { planes, toNHWC } from './layout.js';

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
 * Bilinear taps exactly as torch's `interpolate(mode='bilinear', align_corners=False, antialias=False)`
 * computes them for a crop of `length` pixels starting at `start`: half-pixel centres, the source
 * coordinate clamped at 0, and the upper tap clamped to the crop's last pixel (so the crop's border is
 * replicated, never the pixels outside it). `mirror` reverses the output, which is a horizontal flip.
 */
function axisTaps(start: number, length: number, outLength: number, mirror: boolean, taps: Taps, at: number) {
  const scale = length / outLength;
  for (let o = 0; o < outLength; o++) {
    const src = Math.max(scale * (o + 0.5) - 0.5, 0);
    const i = Math.min(Math.floor(src), length - 1);
    const lambda = Math.min(Math.max(src - i, 0), 1);
    const k = at + (mirror ? outLength - 1 - o : o);
    taps.i0[k] = start + i;
    taps.i1[k] = start + i + (i < length - 1 ? 1 : 0);
    taps.w0[k] = 1 - lambda;
    taps.w1[k] = lambda;
  }
}

function allTaps(
  boxes: readonly PixelBox[],
  mirror: ArrayLike<number>,
  outH: number,
  outW: number,
): { rows: Taps; cols: Taps } {
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

/**
 * The crop-and-resize as plain loops over host memory. On the cpu and wasm backends tensors already
 * live there, and their GatherV2 and CropAndResize kernels cost 20-30 ns per output value (measured on
 * tfjs 4.22 wasm), several times this loop, so this is how those backends resample.
 */
function resampleOnHost(
  images: Tensor4D,
  boxes: readonly PixelBox[],
  mirror: ArrayLike<number>,
  outH: number,
  outW: number,
): Batch {
  const [n, h, w, c] = images.shape;
  const src = images.dataSync();
  const { rows, cols } = allTaps(boxes, mirror, outH, outW);
  // Written as one [N, H, W] plane per channel, the layout the colour stages that usually follow use.
  const out = Array.from({ length: c }, () => new Float32Array(n * outH * outW));
  // Separable: blend the two source rows over the crop's width once, then the two columns per output.
  const row = new Float64Array(w * c);
  for (let img = 0; img < n; img++) {
    const { left, width } = boxes[img]!;
    const span = width * c;
    for (let y = 0; y < outH; y++) {
      const r = img * outH + y;
      const row0 = ((img * h + rows.i0[r]!) * w + left) * c;
      const row1 = ((img * h + rows.i1[r]!) * w + left) * c;
      const h0 = rows.w0[r]!;
      const h1 = rows.w1[r]!;
      for (let j = 0; j < span; j++) row[j] = h0 * src[row0 + j]! + h1 * src[row1 + j]!;
      const o = r * outW;
      for (let x = 0; x < outW; x++) {
        const k = img * outW + x;
        const a = (cols.i0[k]! - left) * c;
        const b = (cols.i1[k]! - left) * c;
        const w0 = cols.w0[k]!;
        const w1 = cols.w1[k]!;
        for (let ch = 0; ch < c; ch++) out[ch]![o + x] = w0 * row[a + ch]! + w1 * row[b + ch]!;
      }
    }
  }
  return planes(out.map((values) => tf.tensor3d(values, [n, outH, outW])));
}

/** The same resampling as batched gathers, for backends whose gathers are cheap (webgl, tensorflow). */
function resampleOnDevice(
  images: Tensor4D,
  boxes: readonly PixelBox[],
  mirror: ArrayLike<number>,
  outH: number,
  outW: number,
): Batch {
  const [n, h, w, c] = images.shape;
  const { rows, cols } = allTaps(boxes, mirror, outH, outW);
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

const HOST_MEMORY_BACKENDS = new Set(['cpu', 'wasm']);

/**
 * Crops `boxes[i]` out of image i and resizes it to `outH × outW` with torchvision's tensor bilinear
 * resampling (antialias off); images with `mirror[i] === 1` come out flipped left to right. `path`
 * `'device'` forces the batched gathers whatever the backend, so both paths can be tested everywhere.
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
  const onHost = path === 'auto' && HOST_MEMORY_BACKENDS.has(tf.getBackend());
  return (onHost ? resampleOnHost : resampleOnDevice)(images, boxes, mirror, outH, outW);
}

import type { ImageBatch } from '@simclr/core';
import {
  assertBoolean,
  assertImageBatch,
  assertOneOf,
  bilinearTaps,
  describeValue,
  LUMA_WEIGHTS,
  optionsObject,
  SimclrError,
} from '@simclr/core';
import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { iterateBatches } from './batches.js';
import type { Dataset, ImageShape } from './types.js';

/** The image shape {@link adaptImages} converts to. */
export interface ImageTarget {
  /** `[height, width]` of the output images, positive integers. Default: the input's. */
  size?: readonly [height: number, width: number];
  /** 1 (grey) or 3 (RGB). Default: the input's. */
  channels?: 1 | 3;
}

/** Options of {@link adaptImages} and {@link adaptImageBatch}. */
export interface AdaptImagesOptions {
  /**
   * Average over every source pixel when an axis shrinks, as torchvision's `resize(antialias=True)`
   * and PIL's bilinear resize do (torchvision's default for tensors from 0.17 on, and the only way for
   * PIL images). `false` is torch's `interpolate(mode='bilinear', antialias=False)`, which reads two
   * pixels per output pixel whatever the scale (it aliases fine patterns when shrinking a lot).
   * Growing an axis is the same either way. Default `true`.
   */
  antialias?: boolean;
}

function readTarget(target: unknown, caller: string, from: ImageShape): ImageShape {
  const { size = [from[0], from[1]], channels = from[2] } = optionsObject(
    target as ImageTarget | undefined,
    `${caller} target`,
  );
  const isSide = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (!Array.isArray(size) || size.length !== 2 || !size.every(isSide)) {
    throw new SimclrError(
      `${caller} target.size must be [height, width] of positive integers, got ${describeValue(size)}`,
    );
  }
  assertOneOf(channels, [1, 3] as const, `${caller} target.channels`);
  return [size[0], size[1], channels];
}

function readAntialias(options: unknown, caller: string): boolean {
  const { antialias = true } = optionsObject(options as AdaptImagesOptions | undefined, `${caller} options`);
  assertBoolean(antialias, `${caller} options.antialias`);
  return antialias;
}

/**
 * The weights of an axis' bilinear taps as a matrix that resamples by a right product: entry
 * `[i·c + k, o·c + k]` is input sample i's weight in output sample o, for each of `c` channels
 * interleaved along the axis (NHWC's last two axes, flattened), 0 elsewhere.
 */
function resampleMatrix(inLength: number, outLength: number, channels: number, antialias: boolean): Tensor2D {
  const { taps, index, weight } = bilinearTaps(inLength, outLength, antialias);
  const rows = inLength * channels;
  const cols = outLength * channels;
  // Accumulated in double: at the last source pixel both of the plain taps name it.
  const values = new Float64Array(rows * cols);
  for (let o = 0; o < outLength; o++) {
    for (let t = 0; t < taps; t++) {
      const i = index[o * taps + t]!;
      for (let k = 0; k < channels; k++)
        values[(i * channels + k) * cols + o * channels + k]! += weight[o * taps + t]!;
    }
  }
  return tf.tensor2d(Float32Array.from(values), [rows, cols]);
}

/**
 * Resamples an NHWC batch to `outH × outW`: the width as one matrix product on the batch as it lies
 * (`[N·H, W·C]`), then the height as one on its transpose (`[H, N·W'·C]`). Matrix products, since the
 * gathers and strided slices a tap-by-tap version needs are slow on the cpu and wasm backends.
 */
function resample(x: Tensor4D, outH: number, outW: number, antialias: boolean): Tensor4D {
  const [n, h, w, c] = x.shape;
  let y = x;
  if (outW !== w) {
    const product = tf.matMul(tf.reshape(y, [n * h, w * c]), resampleMatrix(w, outW, c, antialias));
    y = tf.reshape(product, [n, h, outW, c]);
  }
  if (outH !== h) {
    const byRow = tf.reshape(tf.transpose(y, [1, 0, 2, 3]), [h, n * outW * c]);
    const product = tf.matMul(resampleMatrix(h, outH, 1, antialias), byRow, true);
    y = tf.transpose(tf.reshape(product, [outH, n, outW, c]), [1, 0, 2, 3]);
  }
  return y;
}

/**
 * `0.2989 R + 0.587 G + 0.114 B` of an NHWC RGB batch, as a product and a sum over the channel axis
 * (slicing out each channel is slow on the cpu and wasm backends).
 */
function grey(x: Tensor4D): Tensor4D {
  return tf.sum(tf.mul(x, tf.tensor1d([...LUMA_WEIGHTS])), 3, true);
}

/**
 * Converts an image batch to `target`'s size and channels: torchvision's bilinear `resize` on tensors
 * (`align_corners=False`, half-pixel centres; antialiased when shrinking unless `options.antialias` is
 * false), RGB to grey with ITU-R 601-2 luma weights as torchvision's `rgb_to_grayscale`
 * (`0.2989 R + 0.587 G + 0.114 B`), grey to RGB by repeating the channel. The result is clamped to
 * [0, 1] (float rounding of the weights can step past 1 by an ulp). Returns a new tensor (a copy when
 * nothing differs); `images` is not disposed.
 *
 * @throws SimclrError naming `adaptImageBatch` and the argument for images that are not an
 * `ImageBatch`, a bad `target` or bad options.
 */
export function adaptImageBatch(
  images: ImageBatch,
  target: ImageTarget,
  options?: AdaptImagesOptions,
): ImageBatch {
  const caller = 'adaptImageBatch';
  assertImageBatch(images, `${caller} images`);
  const [, h, w, c] = images.shape;
  const [outH, outW, outC] = readTarget(target, caller, [h, w, c as 1 | 3]);
  const antialias = readAntialias(options, caller);
  return convert(images, [outH, outW, outC], antialias);
}

function convert(images: ImageBatch, [outH, outW, outC]: ImageShape, antialias: boolean): ImageBatch {
  return tf.tidy(() => {
    let x: Tensor4D = images;
    // Grey before resampling and colour after it: the two are linear and commute, and this way the
    // resampling sees one channel, not three.
    if (x.shape[3] === 3 && outC === 1) x = grey(x);
    x = resample(x, outH, outW, antialias);
    x = x === images ? tf.clone(images) : tf.clipByValue(x, 0, 1);
    if (x.shape[3] === 3 || outC === 1) return x;
    // The channel times [1, 1, 1]: exact, and several times faster than tile on the cpu and wasm backends.
    const [n, h, w] = x.shape;
    return tf.reshape(tf.matMul(tf.reshape(x, [n * h * w, 1]), tf.ones([1, 3])), [n, h, w, 3]) as Tensor4D;
  });
}

function assertDataset(dataset: unknown, caller: string): asserts dataset is Dataset {
  const d = dataset as Partial<Dataset> | null;
  const shape = d?.imageShape;
  const ok =
    typeof d === 'object' &&
    d !== null &&
    typeof d.get === 'function' &&
    Number.isInteger(d.size) &&
    Array.isArray(shape) &&
    shape.length === 3 &&
    (shape[2] === 1 || shape[2] === 3);
  if (!ok) {
    throw new SimclrError(
      `${caller} dataset must be a Dataset (size, imageShape [height, width, 1 or 3], get, batches), got ${describeValue(dataset)}`,
    );
  }
}

/**
 * The transfer protocol of the SimCLR paper, where every image of a dataset is resized to the
 * encoder's input: a view of `dataset` whose images come out with `target`'s size and channels,
 * converted batch by batch as they are read (see {@link adaptImageBatch} for the conversion, and
 * `options.antialias`, default true). Labels, classes and order are the dataset's. When the images
 * already have the target's shape, `dataset` itself is returned.
 *
 * @example
 * // A model pretrained on Fashion-MNIST (28×28 grey) evaluated on CIFAR-10 (32×32 RGB):
 * const test = adaptImages(await cifar10({ dir, split: 'test' }), { size: [28, 28], channels: 1 });
 *
 * @throws SimclrError naming `adaptImages` and the argument for a `dataset` that is not a `Dataset`,
 * a bad `target` (size not two positive integers, channels not 1 or 3) or bad options.
 */
export function adaptImages(dataset: Dataset, target: ImageTarget, options?: AdaptImagesOptions): Dataset {
  const caller = 'adaptImages';
  assertDataset(dataset, caller);
  const imageShape = readTarget(target, caller, dataset.imageShape);
  const antialias = readAntialias(options, caller);
  if (imageShape.every((d, i) => d === dataset.imageShape[i])) return dataset;
  const view: Dataset = {
    size: dataset.size,
    imageShape,
    ...(dataset.numClasses !== undefined && { numClasses: dataset.numClasses }),
    ...(dataset.classNames !== undefined && { classNames: dataset.classNames }),
    async get(indices) {
      const { images, labels } = await dataset.get(indices);
      let adapted: ImageBatch;
      try {
        // Kept, as createDataset keeps its batches: a consumer's tfjs scope may be open across the await.
        adapted = tf.keep(convert(images, imageShape, antialias));
      } catch (err) {
        labels?.dispose();
        throw err;
      } finally {
        images.dispose();
      }
      return labels === undefined ? { images: adapted } : { images: adapted, labels };
    },
    batches(batchOptions) {
      return iterateBatches(view, batchOptions);
    },
  };
  return view;
}

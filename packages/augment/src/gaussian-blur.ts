import type { ImageBatch } from '@simclr/core';
import { GaussianBlur, SimclrError } from '@simclr/core';
import type { Rank, Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { applyToImages, assertImages } from './augmentation.js';
import { hasKernel } from './kernels/register-kernels.js';
import type { Batch } from './layout.js';
import { dimsOf, planes, toNHWC, toPlanes } from './layout.js';
import type { PerImage } from './per-image.js';
import { readPerImage } from './per-image.js';
import { assertKernelSize, optionsObject } from './validate.js';

/** torchvision's `_get_gaussian_kernel1d`: `exp(-x²/2σ²)` at integer offsets, normalised to sum 1. */
export function gaussianKernel(size: number, sigma: number): Float64Array {
  const half = (size - 1) / 2;
  const pdf = Float64Array.from({ length: size }, (_, i) => Math.exp(-0.5 * ((i - half) / sigma) ** 2));
  const sum = pdf.reduce((a, b) => a + b, 0);
  return pdf.map((v) => v / sum);
}

/** The kernel that leaves an image unchanged. */
export function identityKernel(size: number): Float64Array {
  const k = new Float64Array(size);
  k[size >> 1] = 1;
  return k;
}

/** Throws unless reflect padding by half the kernel fits the images, as torch requires. */
export function assertKernelFits(kernelSize: number, height: number, width: number, name: string): void {
  const pad = kernelSize >> 1;
  if (pad >= height || pad >= width) {
    throw new SimclrError(
      `${name} must be less than twice the image side for reflect padding (pad ${pad} < ${Math.min(height, width)}), got ${kernelSize} for ${height}x${width} images`,
    );
  }
}

/**
 * Separable Gaussian blur with one kernel per image (`kernels[i]`, all of one odd length), reflect
 * padding and the kernel centred, as torchvision's `F.gaussian_blur`: one `SimclrGaussianBlur` kernel
 * call where the backend has it (cpu, wasm, native). Otherwise each channel plane is turned
 * images-innermost, where a depthwise convolution applies each image's own kernel in one batched pass.
 */
export function blurImages(batch: Batch, kernels: readonly Float64Array[]): Batch {
  const size = kernels[0]!.length;
  if (size === 1) return batch;
  const { n } = dimsOf(batch);
  if (hasKernel(GaussianBlur)) {
    const taps = tf.tensor2d(Float32Array.from(kernels.flatMap((k) => Array.from(k))), [n, size]);
    return { layout: 'NHWC', x: tf.engine().runKernel(GaussianBlur, { x: toNHWC(batch), taps }) as Tensor4D };
  }
  return blurByConvolution(batch, kernels);
}

/** {@link blurImages} as depthwise convolutions of tfjs ops, on any backend. */
export function blurByConvolution(batch: Batch, kernels: readonly Float64Array[]): Batch {
  const size = kernels[0]!.length;
  const { n, h, w } = dimsOf(batch);
  const pad = size >> 1;
  const taps = new Float32Array(size * n);
  for (let t = 0; t < size; t++) {
    for (let i = 0; i < n; i++) taps[t * n + i] = kernels[i]![t]!;
  }
  const across = tf.tensor4d(taps, [1, size, n, 1]);
  const down = tf.tensor4d(taps, [size, 1, n, 1]);
  return planes(
    toPlanes(batch).map((plane) => {
      const x = tf.reshape<Rank.R4>(tf.transpose(plane, [1, 2, 0]), [1, h, w, n]);
      const padded = tf.mirrorPad(
        x,
        [
          [0, 0],
          [pad, pad],
          [pad, pad],
          [0, 0],
        ],
        'reflect',
      );
      const blurred = tf.depthwiseConv2d(tf.depthwiseConv2d(padded, across, 1, 'valid'), down, 1, 'valid');
      return tf.transpose(tf.reshape<Rank.R3>(blurred, [h, w, n]), [2, 0, 1]);
    }),
  );
}

/** Options of {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** Side of the square kernel: an odd integer >= 1, less than twice the image side. Required. */
  kernelSize: number;
  /** Standard deviation per image, `> 0`: one number for all, an array of N numbers, or a Tensor1D. Required. */
  sigma: PerImage;
}

/**
 * Blurs each image with a square Gaussian kernel of its own `sigma`, as torchvision's
 * `F.gaussian_blur(img, [k, k], [sigma, sigma])`: separable, reflect padding.
 */
export function gaussianBlur(images: ImageBatch, options: GaussianBlurOptions): ImageBatch {
  assertImages(images);
  const { kernelSize, sigma } = optionsObject(options, 'gaussianBlur options');
  const [n, h, w] = images.shape;
  assertKernelSize(kernelSize, 'kernelSize');
  assertKernelFits(kernelSize, h, w, 'kernelSize');
  const sigmas = readPerImage(sigma, 'sigma', n, { min: 0, exclusiveMin: true });
  const kernels = Array.from(sigmas, (s) => gaussianKernel(kernelSize, s));
  return applyToImages(images, (batch) => blurImages(batch, kernels));
}

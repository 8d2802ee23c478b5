import { describeValue, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Pixels, ReportImages } from '../report/types.js';

/** `images` as bytes: an `ImageBatch` is clipped to [0, 1] and scaled to 0 … 255. */
export async function toPixels(images: ReportImages, name: string): Promise<Pixels> {
  if (images instanceof tf.Tensor) {
    const [n, h, w, c] = images.shape as number[];
    if (images.rank !== 4 || (c !== 1 && c !== 3)) {
      throw new SimclrError(
        `${name} must be an NHWC ImageBatch with 1 or 3 channels, got shape [${images.shape.join(',')}]`,
      );
    }
    const values = await images.data();
    const data = Uint8Array.from(values, (v) => Math.round(255 * Math.min(1, Math.max(0, v))));
    return { shape: [n!, h!, w!, c], data };
  }
  const { shape, data } = (images ?? {}) as Partial<Pixels>;
  const ok =
    Array.isArray(shape) &&
    shape.length === 4 &&
    shape.every((d) => Number.isInteger(d) && d >= 1) &&
    (shape[3] === 1 || shape[3] === 3) &&
    data instanceof Uint8Array &&
    data.length === shape.reduce((a, b) => a * b, 1);
  if (!ok) {
    throw new SimclrError(
      `${name} must be an ImageBatch or { shape: [n, h, w, 1 | 3], data: Uint8Array of n·h·w·c bytes }, got ${describeValue(images)}`,
    );
  }
  return { shape: shape as Pixels['shape'], data: data as Uint8Array };
}

import type { ImageBatch } from '@simclr/core';
import { SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import sharp, { type OutputInfo } from 'sharp';

/** Largest side an image file is shown at unless asked for more: the paper's ImageNet crop. */
const DEFAULT_MAX_SIDE = 224;

/**
 * An image file as a one-image RGB `ImageBatch` `[1, size, size, 3]` in [0, 1], decoded by sharp (EXIF
 * orientation applied, alpha dropped, gray expanded to RGB) and scaled to cover the square, centre
 * cropped. `size` defaults to the file's shorter side, at most 224.
 *
 * @param flag the flag that named the file, for error messages.
 */
export async function readImageFile(
  path: string,
  size: number | undefined,
  flag: string,
): Promise<ImageBatch> {
  let decoded: { data: Buffer; info: OutputInfo };
  let side: number;
  try {
    const image = sharp(path).rotate();
    const { width = 0, height = 0 } = await image.metadata();
    side = size ?? Math.min(DEFAULT_MAX_SIDE, width, height);
    decoded = await image
      .resize(side, side, { fit: 'cover' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new SimclrError(`--${flag} ${path} could not be read as an image: ${(err as Error).message}`);
  }
  const { data, info } = decoded;
  const rgb = new Float32Array(side * side * 3);
  for (let p = 0; p < side * side; p++) {
    for (let c = 0; c < 3; c++)
      rgb[p * 3 + c] = data[p * info.channels + Math.min(c, info.channels - 1)]! / 255;
  }
  return tf.tensor4d(rgb, [1, side, side, 3]);
}

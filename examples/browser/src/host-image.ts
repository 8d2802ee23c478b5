import type { Dataset } from '@simclr/data';
import * as tf from '@tensorflow/tfjs-core';

/**
 * An image kept on the host as float32 HWC values in [0, 1]. The explorer makes its tensors from it inside
 * one synchronous `tf.tidy`, so none outlive a redraw, even while a training step has a scope open.
 */
export interface HostImage {
  label: string;
  pixels: Float32Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

/** The first test image of every class of a labelled dataset, in class order. */
export async function firstOfEachClass(dataset: Dataset, look = 100): Promise<HostImage[]> {
  const { images, labels } = await dataset.get(
    Array.from({ length: Math.min(look, dataset.size) }, (_, i) => i),
  );
  try {
    const [n, height, width, channels] = images.shape;
    const pixels = (await images.data()) as Float32Array;
    const classes = labels === undefined ? [] : Array.from(await labels.data());
    const out: HostImage[] = [];
    for (let c = 0; c < (dataset.numClasses ?? 0); c++) {
      const i = classes.indexOf(c);
      if (i < 0 || i >= n) continue;
      const size = height * width * channels;
      out.push({
        label: `Fashion-MNIST: ${dataset.classNames?.[c] ?? `class ${c}`}`,
        pixels: pixels.slice(i * size, (i + 1) * size),
        height,
        width,
        channels: channels as 1 | 3,
      });
    }
    return out;
  } finally {
    tf.dispose([images, ...(labels === undefined ? [] : [labels])]);
  }
}

/** Decodes an image file (any format the browser reads), crops its centre square and scales it to `side`. */
export async function decodeImage(blob: Blob, label: string, side = 160): Promise<HostImage> {
  const bitmap = await createImageBitmap(blob);
  const crop = Math.min(bitmap.width, bitmap.height);
  const canvas = new OffscreenCanvas(side, side);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, (bitmap.width - crop) / 2, (bitmap.height - crop) / 2, crop, crop, 0, 0, side, side);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, side, side).data;
  const pixels = new Float32Array(side * side * 3);
  for (let p = 0; p < side * side; p++) {
    for (let k = 0; k < 3; k++) pixels[p * 3 + k] = rgba[p * 4 + k]! / 255;
  }
  return { label, pixels, height: side, width: side, channels: 3 };
}

/** Fetches and decodes the image at `url`. */
export async function fetchImage(url: string, label: string): Promise<HostImage> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return decodeImage(await response.blob(), label);
}

/** Draws HWC values in [0, 1] (1 or 3 channels) onto `canvas`, sized to the image. */
export function drawPixels(
  canvas: HTMLCanvasElement,
  pixels: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
): void {
  canvas.width = width;
  canvas.height = height;
  const image = new ImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) {
      image.data[p * 4 + k] = Math.round(pixels[p * channels + (channels === 1 ? 0 : k)]! * 255);
    }
    image.data[p * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}

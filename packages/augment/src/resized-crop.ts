import type { ImageBatch } from '@simclr/core';
import { describeValue, SimclrError } from '@simclr/core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { applyToImages, assertImages } from './augmentation.js';
import type { PixelBox } from './resample.js';
import { cropResize } from './resample.js';
import { readSize } from './validate.js';

/** One normalised box `[y1, x1, y2, x2]` per image, as an array or an `[N, 4]` tensor. */
export type Boxes = readonly (readonly number[])[] | Tensor2D;

function readBoxes(boxes: unknown, n: number, height: number, width: number): PixelBox[] {
  let rows: ArrayLike<unknown>[];
  if (boxes instanceof tf.Tensor) {
    if (boxes.rank !== 2 || boxes.shape[0] !== n || boxes.shape[1] !== 4) {
      throw new SimclrError(
        `boxes must be an [N, 4] tensor with N = ${n}, got shape [${boxes.shape.join(',')}]`,
      );
    }
    const flat = boxes.dataSync() as ArrayLike<number>;
    rows = Array.from({ length: n }, (_, i) => Array.from({ length: 4 }, (_, j) => flat[i * 4 + j]));
  } else if (Array.isArray(boxes) && boxes.length === n && boxes.every((b) => Array.isArray(b))) {
    rows = boxes;
  } else {
    throw new SimclrError(
      `boxes must be one [y1, x1, y2, x2] per image (${n}), as an array or an [N, 4] tensor, got ${describeValue(boxes)}`,
    );
  }
  return rows.map((box, i) => {
    const [y1, x1, y2, x2] = Array.from(box) as number[];
    const inUnit = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
    if (box.length !== 4 || ![y1, x1, y2, x2].every(inUnit) || !(y1! < y2!) || !(x1! < x2!)) {
      throw new SimclrError(
        `boxes[${i}] must be [y1, x1, y2, x2] with 0 <= y1 < y2 <= 1 and 0 <= x1 < x2 <= 1, got ${describeValue(Array.from(box))}`,
      );
    }
    const top = Math.round(y1! * height);
    const left = Math.round(x1! * width);
    const box_ = { top, left, height: Math.round(y2! * height) - top, width: Math.round(x2! * width) - left };
    if (box_.height < 1 || box_.width < 1) {
      throw new SimclrError(
        `boxes[${i}] must cover at least one whole pixel of the ${height}x${width} image, got ${describeValue(Array.from(box))}`,
      );
    }
    return box_;
  });
}

/**
 * Crops one box out of each image and resizes it to `size`, as torchvision's `F.resized_crop` on float
 * tensors with bilinear interpolation and `antialias=False` (half-pixel centres, the crop's own border
 * pixels repeated at its edges).
 *
 * @param boxes one normalised box `[y1, x1, y2, x2]` per image (`0 <= y1 < y2 <= 1`, same for x), as an
 *   array or an `[N, 4]` tensor. Edges are rounded to the nearest pixel boundary, since torchvision
 *   crops whole pixels: `[top/H, left/W, (top+height)/H, (left+width)/W]` is exactly
 *   `F.resized_crop(img, top, left, height, width, size)`.
 * @param size the output side, or `[height, width]`.
 */
export function resizedCrop(images: ImageBatch, boxes: Boxes, size: number | [number, number]): ImageBatch {
  assertImages(images);
  const [n, h, w] = images.shape;
  const pixelBoxes = readBoxes(boxes, n, h, w);
  const [outH, outW] = readSize(size, 'size');
  return applyToImages(images, (batch) => cropResize(batch, pixelBoxes, new Float64Array(n), outH, outW));
}

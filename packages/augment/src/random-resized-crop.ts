import type { Rng } from '@simclr/core';
import type { Augmentation, Stage } from './augmentation.js';
import { defineAugmentation } from './augmentation.js';
import type { Batch } from './layout.js';
import { dimsOf } from './layout.js';
import { drawFlips, flipProbabilityOf } from './random-horizontal-flip.js';
import type { PixelBox } from './resample.js';
import { cropResize } from './resample.js';
import { assertPositiveRange, formatNumber, optionsObject, readSize } from './validate.js';

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Output side, or `[height, width]`. Required. */
  size: number | [number, number];
  /** Range of the crop's area as a fraction of the image's area. Default `[0.08, 1]`. */
  scale?: [number, number];
  /** Range of the crop's aspect ratio (width / height), drawn log-uniformly. Default `[3/4, 4/3]`. */
  ratio?: [number, number];
}

/** Python's `round`, which sends halves to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * One crop box drawn as torchvision's `RandomResizedCrop.get_params` draws it: up to ten tries of an
 * area fraction from `scale` and a log-uniform aspect ratio from `ratio`, keeping the first box that
 * fits with a uniform position; otherwise the centred crop of the image clamped to `ratio`.
 */
export function sampleCropBox(
  rng: Rng,
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
): PixelBox {
  const area = height * width;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = roundHalfEven(w / ratio[0]);
  else if (inRatio > ratio[1]) w = roundHalfEven(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * Crops a random box of each image, drawn per image as torchvision's `RandomResizedCrop` draws it, and
 * resizes it to `size` with bilinear interpolation (torchvision's tensor path, `antialias=False`).
 */
export function randomResizedCrop(options: RandomResizedCropOptions): Augmentation {
  const opts = optionsObject(options, 'randomResizedCrop options');
  const [outH, outW] = readSize(opts.size, 'size');
  const { scale = [0.08, 1], ratio = [3 / 4, 4 / 3] } = opts;
  assertPositiveRange(scale, 'scale');
  assertPositiveRange(ratio, 'ratio');
  const range = (r: readonly number[]) => `[${r.map(formatNumber).join(', ')}]`;
  const description = `randomResizedCrop({ size: [${outH}, ${outW}], scale: ${range(scale)}, ratio: ${range(ratio)} })`;
  // Followed by a random flip, the crop mirrors its own sampling instead: one pass, same draws.
  const stage = (flipP?: number): Stage =>
    Object.assign(
      (batch: Batch, rng: Rng) => {
        const { n, h, w } = dimsOf(batch);
        const boxes = Array.from({ length: n }, () => sampleCropBox(rng, h, w, scale, ratio));
        const mirror = flipP === undefined ? new Float64Array(n) : drawFlips(rng, n, flipP);
        return cropResize(batch, boxes, mirror, outH, outW);
      },
      {
        fuseNext: (next: Stage) => {
          const p = flipProbabilityOf(next);
          return flipP === undefined && p !== undefined ? stage(p) : undefined;
        },
      },
    );
  return defineAugmentation(description, stage());
}

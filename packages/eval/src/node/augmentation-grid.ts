import { SimclrError } from '@simclr/core';
import { toPixels } from '../internal/to-pixels.js';
import type { AugmentationGrid, Pixels } from '../report/types.js';
import type { Sharp } from './load-sharp.js';

/** Options of {@link augmentationGridPng}. */
export interface AugmentationGridOptions {
  /** Images shown at most, one per row. Default 8. */
  rows?: number;
  /** Side of each cell in pixels; images are scaled to it (nearest neighbour when enlarged). Default 96. */
  cellSize?: number;
  /** Gap between cells in pixels. Default 6. */
  gap?: number;
}

async function tile(sharp: Sharp, pixels: Pixels, index: number, cellSize: number): Promise<Buffer> {
  const [, h, w, c] = pixels.shape;
  const size = h * w * c;
  const raw = pixels.data.subarray(index * size, (index + 1) * size);
  return sharp(raw, { raw: { width: w, height: h, channels: c as 1 | 3 } })
    .resize(cellSize, cellSize, { fit: 'fill', kernel: cellSize >= Math.max(h, w) ? 'nearest' : 'lanczos3' })
    .png()
    .toBuffer();
}

/**
 * A PNG of the augmentation grid: one row per image, the original then its two views, on a white
 * background. Composited and encoded by sharp.
 */
export async function augmentationGridPng(
  sharp: Sharp,
  grid: AugmentationGrid,
  options: AugmentationGridOptions = {},
): Promise<Buffer> {
  const { rows = 8, cellSize = 96, gap = 6 } = options;
  const originals = await toPixels(grid.originals, 'augmentations.originals');
  if (!Array.isArray(grid.views) || grid.views.length !== 2) {
    throw new SimclrError('augmentations.views must be a pair [view1, view2]');
  }
  const views = [
    await toPixels(grid.views[0], 'augmentations.views[0]'),
    await toPixels(grid.views[1], 'augmentations.views[1]'),
  ];
  const count = originals.shape[0];
  views.forEach((v, i) => {
    if (v.shape[0] !== count) {
      throw new SimclrError(
        `augmentations.views[${i}] must hold as many images as originals (${count}), got ${v.shape[0]}`,
      );
    }
  });
  const shown = Math.min(rows, count);
  const columns = [originals, ...views];
  const composites: { input: Buffer; left: number; top: number }[] = [];
  for (let r = 0; r < shown; r++) {
    for (const [col, images] of columns.entries()) {
      composites.push({
        input: await tile(sharp, images, r, cellSize),
        left: gap + col * (cellSize + gap),
        top: gap + r * (cellSize + gap),
      });
    }
  }
  return sharp({
    create: {
      width: gap + columns.length * (cellSize + gap),
      height: gap + shown * (cellSize + gap),
      channels: 3,
      background: { r: 255, g: 255, b: 255 },
    },
  })
    .composite(composites)
    .png()
    .toBuffer();
}

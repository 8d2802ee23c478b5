import { assertNumber, assertOneOf, createRng } from '@simclr/core';
import { createDataset } from './dataset.js';
import type { Dataset } from './types.js';

/** The shapes, in label order. */
export const SHAPE_CLASSES: readonly string[] = ['circle', 'square', 'triangle', 'cross', 'ring'];

/** Options of {@link syntheticShapes}. */
export interface SyntheticShapesOptions {
  /** Number of images. Default 512. */
  size?: number;
  /** Side of the square images, >= 8. Default 32. */
  imageSize?: number;
  /** 1 (gray) or 3 (colour). Default 3. */
  channels?: 1 | 3;
  /** How many of the shapes to use as classes, 2 … 5, in the order of `SHAPE_CLASSES`. Default 5. */
  numClasses?: number;
  /** Seed of the random positions, sizes and colours. Default 0. */
  seed?: number;
}

type Inside = (dx: number, dy: number, r: number) => boolean;

const SHAPES: readonly Inside[] = [
  (dx, dy, r) => dx * dx + dy * dy <= r * r,
  (dx, dy, r) => Math.abs(dx) <= 0.8 * r && Math.abs(dy) <= 0.8 * r,
  (dx, dy, r) => {
    const t = (dy + r) / (1.8 * r);
    return t >= 0 && t <= 1 && Math.abs(dx) <= t * r;
  },
  (dx, dy, r) => (Math.abs(dx) <= r / 3 && Math.abs(dy) <= r) || (Math.abs(dy) <= r / 3 && Math.abs(dx) <= r),
  (dx, dy, r) => {
    const d2 = dx * dx + dy * dy;
    return d2 <= r * r && d2 >= 0.3 * r * r;
  },
];

/**
 * Images of one bright shape on a dark background, labelled by shape; for tests and demos. Image i
 * has label `i % numClasses` and is drawn from its own seeded generator, so it is the same whatever
 * order or batch it is read in, and nothing is stored.
 */
export async function syntheticShapes(options: SyntheticShapesOptions = {}): Promise<Dataset> {
  const { size = 512, imageSize = 32, channels = 3, numClasses = SHAPE_CLASSES.length, seed = 0 } = options;
  assertNumber(size, 'size', { min: 1, integer: true });
  assertNumber(imageSize, 'imageSize', { min: 8, max: 1024, integer: true });
  assertOneOf(channels, [1, 3] as const, 'channels');
  assertNumber(numClasses, 'numClasses', { min: 2, max: SHAPE_CLASSES.length, integer: true });
  assertNumber(seed, 'seed', { integer: true });
  const s = imageSize;
  const pixels = s * s * channels;
  const labels = Int32Array.from({ length: size }, (_, i) => i % numClasses);

  function draw(index: number, out: Float32Array, offset: number): void {
    // A per-image stream keyed by (seed, index): images do not depend on what was drawn before.
    const rng = createRng((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index, 0x85ebca6b)) >>> 0);
    const r = rng.uniform(0.2, 0.32) * s;
    const cx = rng.uniform(r, s - r);
    const cy = rng.uniform(r, s - r);
    const fg = [rng.uniform(0.6, 1), rng.uniform(0.6, 1), rng.uniform(0.6, 1)];
    const bg = [rng.uniform(0, 0.3), rng.uniform(0, 0.3), rng.uniform(0, 0.3)];
    const inside = SHAPES[labels[index]!]!;
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        const colour = inside(x + 0.5 - cx, y + 0.5 - cy, r) ? fg : bg;
        const p = offset + (y * s + x) * channels;
        if (channels === 1) out[p] = (colour[0]! + colour[1]! + colour[2]!) / 3;
        else for (let c = 0; c < 3; c++) out[p + c] = colour[c]!;
      }
    }
  }

  return createDataset({
    size,
    imageShape: [s, s, channels],
    read(indices, out) {
      indices.forEach((index, i) => {
        draw(index, out, i * pixels);
      });
    },
    labels,
    numClasses,
    classNames: SHAPE_CLASSES.slice(0, numClasses),
  });
}

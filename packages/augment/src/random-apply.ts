import { assertProbability, SimclrError } from '@simclr/core';
import type { Augmentation } from './augmentation.js';
import { assertAugmentation, defineAugmentation, stageOf } from './augmentation.js';
import type { Batch } from './layout.js';
import { dimsOf, planes, toNHWC, toPlanes } from './layout.js';
import { selectImages } from './select-images.js';
import { formatNumber } from './validate.js';

/**
 * Applies `augmentation` to each image with probability `p`, drawn per image (torchvision's
 * `RandomApply` on single images). The augmentation runs on the whole batch, so it must keep the
 * image shape.
 */
export function randomApply(augmentation: Augmentation, p: number): Augmentation {
  assertAugmentation(augmentation, 'augmentation');
  assertProbability(p, 'p');
  const stage = stageOf(augmentation);
  const description = `randomApply(${augmentation.describe()}, ${formatNumber(p)})`;
  return defineAugmentation(description, (batch, rng) => {
    const mask = Float64Array.from({ length: dimsOf(batch).n }, () => (rng.bernoulli(p) ? 1 : 0));
    if (mask.every((m) => m === 0)) return batch;
    const out = stage(batch, rng);
    const before = dimsOf(batch);
    const after = dimsOf(out);
    if (after.n !== before.n || after.h !== before.h || after.w !== before.w || after.c !== before.c) {
      throw new SimclrError(
        `randomApply needs an augmentation that keeps the image shape; ${augmentation.describe()} turned [${before.n},${before.h},${before.w},${before.c}] into [${after.n},${after.h},${after.w},${after.c}] (NHWC)`,
      );
    }
    const applied: Batch =
      batch.layout === 'NHWC' ? { layout: 'NHWC', x: toNHWC(out) } : planes(toPlanes(out));
    return selectImages(mask, applied, batch);
  });
}

import { describeValue, SimclrError } from '@simclr/core';
import type { Augmentation } from './augmentation.js';
import { assertAugmentation, chain, defineAugmentation, stageOf } from './augmentation.js';

function indent(text: string): string {
  return text.replace(/\n/g, '\n  ');
}

/**
 * Runs `augmentations` one after the other on the whole batch, drawing from the same `Rng` in order.
 * Intermediate batches are disposed as soon as the next step has used them, and consecutive steps of
 * this package hand over their batch without converting it back to NHWC in between.
 */
export function compose(augmentations: readonly Augmentation[]): Augmentation {
  if (!Array.isArray(augmentations)) {
    throw new SimclrError(
      `augmentations must be an array of Augmentations, got ${describeValue(augmentations)}`,
    );
  }
  augmentations.forEach((a, i) => {
    assertAugmentation(a, `augmentations[${i}]`);
  });
  const description = `compose([${augmentations.map((a) => `\n  ${indent(a.describe())},`).join('')}\n])`;
  return defineAugmentation(description, chain(augmentations.map(stageOf)));
}

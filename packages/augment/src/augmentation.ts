import type { ImageBatch, Rng } from '@simclr/core';
import { assertFinite, assertImageBatch, describeValue, SimclrError, valueChecksEnabled } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from './layout.js';
import { disposeExcept, toNHWC } from './layout.js';
import { assertRng } from './validate.js';

/**
 * A random augmentation of a whole batch: takes an `ImageBatch` and a seeded `Rng`, draws its random
 * parameters per image from the `Rng`, and returns a new `ImageBatch` (the input is not disposed).
 * Any function of this shape with a `describe()` can be used with `compose`, `randomApply` and
 * `twoViews`.
 */
export interface Augmentation {
  (images: ImageBatch, rng: Rng): ImageBatch;
  /** A readable one-line (or, for compositions, indented multi-line) account of what it does. */
  describe(): string;
}

/**
 * The internal form of an augmentation. It may return its input batch unchanged, and may leave the
 * result in whichever layout is cheapest; the caller owns every tensor it returns. `fuseNext` lets a
 * stage absorb the stage after it into one pass that draws the same random numbers in the same order.
 */
export type Stage = ((batch: Batch, rng: Rng) => Batch) & { fuseNext?: (next: Stage) => Stage | undefined };

const STAGE = Symbol('@simclr/augment stage');

type Staged = Augmentation & { [STAGE]?: Stage };

/**
 * Runs `stages` in turn, each in its own `tf.tidy`, disposing intermediate batches as it goes, after
 * fusing the neighbours that can run as one pass.
 */
export function chain(stages: readonly Stage[]): Stage {
  const fused: Stage[] = [];
  for (const stage of stages) {
    const merged = fused[fused.length - 1]?.fuseNext?.(stage);
    if (merged) fused[fused.length - 1] = merged;
    else fused.push(stage);
  }
  return (input, rng) => {
    let current = input;
    for (const stage of fused) {
      const previous = current;
      current = tf.tidy(() => stage(previous, rng));
      if (previous !== input) disposeExcept(previous, current, input);
    }
    return current;
  };
}

/** The NHWC tensor a public function returns for `result`: always a new tensor, never the input. */
function finish(result: Batch, images: ImageBatch): ImageBatch {
  const out = tf.tidy(() => {
    const x = toNHWC(result);
    return x === images ? tf.clone(x) : x;
  });
  disposeExcept(result, { layout: 'NHWC', x: out }, { layout: 'NHWC', x: images });
  return out;
}

/**
 * Throws unless `images` is an `ImageBatch` without NaN or infinities. One sum read back is the cheap
 * test (a NaN or an infinity makes it non-finite); only then does the exact elementwise check run. The
 * values are not read while the value checks are off (`withValueChecks` of @simclr/core).
 */
export function assertImages(images: unknown): asserts images is ImageBatch {
  assertImageBatch(images, 'images');
  if (!valueChecksEnabled()) return;
  const total = tf.tidy(() => tf.sum(images).dataSync()[0]!);
  if (!Number.isFinite(total)) assertFinite(images, 'images');
}

function run(stage: Stage, images: unknown, rng: unknown): ImageBatch {
  assertImages(images);
  assertRng(rng);
  return finish(stage({ x: images, layout: 'NHWC' }, rng), images);
}

/**
 * Runs a deterministic transform of a batch (the functional forms, which check `images` with
 * `assertImages` before their own arguments) and returns a new NHWC tensor.
 */
export function applyToImages(images: ImageBatch, transform: (batch: Batch) => Batch): ImageBatch {
  const result = tf.tidy(() => transform({ x: images, layout: 'NHWC' }));
  return finish(result, images);
}

/** Wraps a stage as a public `Augmentation` that validates its arguments and returns NHWC. */
export function defineAugmentation(description: string, stage: Stage): Augmentation {
  const augmentation = ((images: ImageBatch, rng: Rng) => run(chain([stage]), images, rng)) as Staged;
  augmentation.describe = () => description;
  augmentation[STAGE] = stage;
  return augmentation;
}

/** Throws unless `value` is an `Augmentation`: a function with a `describe()`. */
export function assertAugmentation(value: unknown, name: string): asserts value is Augmentation {
  if (typeof value !== 'function' || typeof (value as Partial<Augmentation>).describe !== 'function') {
    throw new SimclrError(
      `${name} must be an Augmentation (a function (images, rng) => images with a describe() method), got ${describeValue(value)}`,
    );
  }
}

/**
 * The stage of an augmentation. Augmentations written outside this package are called on an NHWC batch
 * and their output is checked, so a user's own function can sit anywhere in a composition.
 */
export function stageOf(augmentation: Augmentation): Stage {
  const own = (augmentation as Staged)[STAGE];
  if (own) return own;
  return (batch, rng) => {
    const images = toNHWC(batch);
    const out: unknown = augmentation(images, rng);
    assertImageBatch(out, `the output of ${augmentation.describe()}`);
    return { x: out, layout: 'NHWC' };
  };
}

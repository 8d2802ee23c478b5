import { COLOR_JITTER_PARAMS, COLOR_OP_SLOTS, COLOR_OPS, ColorJitter } from '@simclr/core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { JitterDraw } from './color-jitter.js';
import { hasKernel } from './kernels/register-kernels.js';
import type { Batch } from './layout.js';
import { dimsOf, toNHWC } from './layout.js';

/**
 * Colour jitter (`draws`, as `applyJitter` takes them) and then, where `grayscale[i]` is 1, grayscale, in
 * one `SimclrColorJitter` kernel call: one pass per image instead of one per op and step. The numbers
 * are the op-by-op path's. Returns undefined when the active backend has no such kernel.
 */
export function fusedColor(
  batch: Batch,
  draws: readonly (JitterDraw | null)[],
  grayscale: ArrayLike<number> | null,
): Batch | undefined {
  if (!hasKernel(ColorJitter)) return undefined;
  const { n, c } = dimsOf(batch);
  const params = new Float32Array(n * COLOR_JITTER_PARAMS).fill(-1);
  let any = false;
  draws.forEach((draw, i) => {
    const ops = (draw?.order ?? []).filter((op) => c === 3 || op < COLOR_OPS.saturation);
    if (c === 3 && grayscale?.[i] === 1) ops.push(COLOR_OPS.grayscale);
    any ||= ops.length > 0;
    const row = i * COLOR_JITTER_PARAMS;
    params.set(ops, row);
    if (draw !== null) {
      const [brightness, contrast, saturation, hue] = draw.factors;
      // Each weight as the op path forms it: in double, then rounded to float32 by the array.
      params.set(
        [brightness, contrast, 1 - contrast, saturation, 1 - saturation, 6 * hue],
        row + COLOR_OP_SLOTS,
      );
    }
  });
  if (!any) return batch;
  const x = toNHWC(batch);
  const out = tf
    .engine()
    .runKernel(ColorJitter, { x, params: tf.tensor2d(params, [n, COLOR_JITTER_PARAMS]) });
  return { layout: 'NHWC', x: out as Tensor4D };
}

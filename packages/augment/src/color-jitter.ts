import { assertProbability, describeValue, type Rng, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { shiftHue } from './adjust-hue.js';
import type { Augmentation, Stage } from './augmentation.js';
import { defineAugmentation } from './augmentation.js';
import type { BlendWeights } from './blend.js';
import { blend, identityWeights } from './blend.js';
import { fusedColor } from './fused-color.js';
import type { Batch } from './layout.js';
import { dimsOf, disposeExcept, planes, toPlanes } from './layout.js';
import { drawGrayscale, grayscaleImages, grayscaleProbabilityOf } from './random-grayscale.js';
import { formatNumber, optionsObject } from './validate.js';

/** Options of {@link colorJitter}; each strength is off at its default. */
export interface ColorJitterOptions {
  /**
   * Brightness jitter: the factor is drawn uniformly from `[max(0, 1 - b), 1 + b]` for a number b >= 0,
   * or from `[lo, hi]` (0 <= lo <= hi) for a pair. Default `0` (off).
   */
  brightness?: number | [number, number];
  /** Contrast jitter, drawn like `brightness`. Default `0` (off). */
  contrast?: number | [number, number];
  /** Saturation jitter, drawn like `brightness`. Default `0` (off). */
  saturation?: number | [number, number];
  /**
   * Hue jitter: the delta (in turns) is drawn uniformly from `[-h, h]` for a number 0 <= h <= 0.5, or
   * from `[lo, hi]` (-0.5 <= lo <= hi <= 0.5) for a pair. Default `0` (off).
   */
  hue?: number | [number, number];
  /** Probability that an image is jittered at all (SimCLR applies its jitter with 0.8). Default `1`. */
  p?: number;
}

const BRIGHTNESS = 0;
const CONTRAST = 1;
const SATURATION = 2;
const HUE = 3;

/**
 * The jitter one image gets: the ops it runs, in order (0 brightness, 1 contrast, 2 saturation, 3 hue),
 * and the factor of each op (the hue entry is the delta).
 */
export interface JitterDraw {
  order: readonly number[];
  factors: readonly [number, number, number, number];
}

function blendWeightsOf(op: number, factor: number, weights: BlendWeights, i: number): void {
  weights.self[i] = factor;
  if (op === CONTRAST) weights.mean[i] = 1 - factor;
  if (op === SATURATION) weights.gray[i] = 1 - factor;
}

/**
 * Applies each image's jitter ops in its own order, batched. Every image's sequence is shifted so that
 * its hue op lands on one shared step: hue, by far the dearest op, then runs once for the batch, and
 * the brightness/contrast/saturation ops of any mix of images share one blend per step. `null` leaves
 * an image unchanged. On a 1-channel batch saturation and hue are identities, as in torchvision.
 */
export function applyJitter(batch: Batch, draws: readonly (JitterDraw | null)[]): Batch {
  const { n, c } = dimsOf(batch);
  const sequences = draws.map((d) => (d === null ? [] : d.order.filter((op) => c === 3 || op < SATURATION)));
  const huePositions = sequences.map((s) => s.indexOf(HUE));
  const hueStep = huePositions.reduce((a, b) => Math.max(a, b), -1);
  const positions = sequences.map((sequence, i) => {
    const at = huePositions[i]!;
    if (at >= 0) return sequence.map((_, j) => hueStep - at + j);
    const slots: number[] = [];
    for (let t = 0; slots.length < sequence.length; t++) if (t !== hueStep) slots.push(t);
    return slots;
  });
  const steps = positions.reduce((a, ps) => Math.max(a, ps.length === 0 ? 0 : ps[ps.length - 1]! + 1), 0);
  if (steps === 0) return batch;

  const input = planes(toPlanes(batch));
  let current = input;
  for (let t = 0; t < steps; t++) {
    const previous = current;
    current = tf.tidy(() => {
      if (t === hueStep) {
        const delta = draws.map((d) => d?.factors[HUE] ?? 0);
        return planes(
          shiftHue(
            previous.planes,
            delta,
            huePositions.map((p) => (p >= 0 ? 1 : 0)),
          ),
        );
      }
      const weights = identityWeights(n);
      positions.forEach((ps, i) => {
        const op = sequences[i]![ps.indexOf(t)];
        if (op !== undefined) blendWeightsOf(op, draws[i]!.factors[op]!, weights, i);
      });
      return weights.self.every((f) => f === 1) ? previous : planes(blend(previous.planes, weights));
    });
    if (previous !== input) disposeExcept(previous, current);
  }
  return current;
}

/** torchvision's `ColorJitter._check_input`: the range a strength draws from, or null when it is off. */
function jitterRange(value: unknown, name: string, hue: boolean): [number, number] | null {
  const [centre, lo, hi] = hue ? [0, -0.5, 0.5] : [1, 0, Infinity];
  let range: [number, number];
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && (!hue || value <= 0.5)) {
    range = hue ? [-value, value] : [Math.max(0, 1 - value), 1 + value];
  } else if (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    lo <= value[0] &&
    value[0] <= value[1] &&
    value[1] <= hi
  ) {
    range = [value[0], value[1]];
  } else {
    const allowed = hue
      ? 'a number in [0, 0.5] or a range [lo, hi] with -0.5 <= lo <= hi <= 0.5'
      : 'a number >= 0 or a range [lo, hi] with 0 <= lo <= hi';
    throw new SimclrError(`${name} must be ${allowed}, got ${describeValue(value)}`);
  }
  return range[0] === centre && range[1] === centre ? null : range;
}

/**
 * Randomly changes brightness, contrast, saturation and hue, as torchvision's `ColorJitter`: per image
 * (with probability `p`) a random order of the four ops and a factor for each enabled op drawn from its
 * range; then the ops run with torchvision's functional semantics (see `adjustBrightness` etc.).
 */
export function colorJitter(options?: ColorJitterOptions): Augmentation {
  const opts = optionsObject(options, 'colorJitter options');
  const ranges = [
    jitterRange(opts.brightness ?? 0, 'brightness', false),
    jitterRange(opts.contrast ?? 0, 'contrast', false),
    jitterRange(opts.saturation ?? 0, 'saturation', false),
    jitterRange(opts.hue ?? 0, 'hue', true),
  ] as const;
  const { p = 1 } = opts;
  assertProbability(p, 'p');
  const names = ['brightness', 'contrast', 'saturation', 'hue'];
  const parts = ranges.flatMap((r, op) =>
    r === null ? [] : [`${names[op]}: [${formatNumber(r[0])}, ${formatNumber(r[1])}]`],
  );
  const description = `colorJitter({ ${[...parts, `p: ${formatNumber(p)}`].join(', ')} })`;
  // Followed by a random grayscale, the jitter does the grayscale too: one pass, same draws.
  const stage = (grayscaleP?: number): Stage =>
    Object.assign(
      (batch: Batch, rng: Rng) => {
        const { n } = dimsOf(batch);
        const draws = Array.from({ length: n }, (): JitterDraw | null => {
          if (!rng.bernoulli(p)) return null;
          const order = rng.shuffle([BRIGHTNESS, CONTRAST, SATURATION, HUE]);
          const factors = ranges.map((r, op) =>
            r === null ? (op === HUE ? 0 : 1) : rng.uniform(r[0], r[1]),
          );
          return {
            order: order.filter((op) => ranges[op] !== null),
            factors: factors as [number, number, number, number],
          };
        });
        const gray = grayscaleP === undefined ? null : drawGrayscale(rng, n, grayscaleP);
        const fused = fusedColor(batch, draws, gray);
        if (fused !== undefined) return fused;
        const jittered = applyJitter(batch, draws);
        return gray === null ? jittered : grayscaleImages(jittered, gray);
      },
      {
        fuseNext: (next: Stage) => {
          const q = grayscaleProbabilityOf(next);
          return grayscaleP === undefined && q !== undefined ? stage(q) : undefined;
        },
      },
    );
  return defineAugmentation(description, stage());
}

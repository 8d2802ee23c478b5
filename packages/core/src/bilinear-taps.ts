import { assertBoolean, assertNumber } from './validate.js';

/**
 * One axis of a bilinear resampling: output sample `o` is
 * `Σ_k weight[o·taps + k] · source[index[o·taps + k]]`.
 */
export interface BilinearTaps {
  /** Taps per output sample: 2 without antialiasing; more where antialiasing shrinks the axis. */
  readonly taps: number;
  /** The source sample of each tap, in `0 … inLength-1`. */
  readonly index: Int32Array;
  /** The weight of each tap; the weights of one output sum to 1 (padding taps weigh 0). */
  readonly weight: Float64Array;
}

/**
 * torch's `interpolate(mode='bilinear', align_corners=False, antialias=False)`: half-pixel centres,
 * the source coordinate clamped at 0, and the upper tap clamped to the last sample (the border is
 * repeated). At the last sample both taps name it, with weights 1-λ and λ, as torch blends them.
 */
function plainTaps(inLength: number, outLength: number): BilinearTaps {
  const scale = inLength / outLength;
  const index = new Int32Array(2 * outLength);
  const weight = new Float64Array(2 * outLength);
  for (let o = 0; o < outLength; o++) {
    const src = Math.max(scale * (o + 0.5) - 0.5, 0);
    const i = Math.min(Math.floor(src), inLength - 1);
    const lambda = Math.min(Math.max(src - i, 0), 1);
    index[2 * o] = i;
    index[2 * o + 1] = i + (i < inLength - 1 ? 1 : 0);
    weight[2 * o] = 1 - lambda;
    weight[2 * o + 1] = lambda;
  }
  return { taps: 2, index, weight };
}

/**
 * torch's `interpolate(mode='bilinear', align_corners=False, antialias=True)` (the weights of
 * `_upsample_bilinear2d_aa`, which PIL's `resize(BILINEAR)` also uses): a triangle filter centred on
 * each output pixel's centre, widened by the scale when the axis shrinks so that every source sample
 * counts, cut at the borders and normalised. When the axis grows it is `plainTaps`.
 */
function antialiasedTaps(inLength: number, outLength: number): BilinearTaps {
  const scale = inLength / outLength;
  // The filter widens with the scale when the axis shrinks; torch writes it `interp_size / 2 · scale`.
  const support = Math.max(scale, 1);
  const inverse = scale >= 1 ? 1 / scale : 1;
  const starts = new Int32Array(outLength);
  const sizes = new Int32Array(outLength);
  for (let o = 0; o < outLength; o++) {
    const centre = scale * (o + 0.5);
    // Math.trunc, as torch's cast to int64 rounds towards zero.
    starts[o] = Math.max(Math.trunc(centre - support + 0.5), 0);
    sizes[o] = Math.min(Math.trunc(centre + support + 0.5), inLength) - starts[o]!;
  }
  const taps = Math.max(...sizes);
  const index = new Int32Array(taps * outLength);
  const weight = new Float64Array(taps * outLength);
  for (let o = 0; o < outLength; o++) {
    const centre = scale * (o + 0.5);
    const start = starts[o]!;
    let total = 0;
    for (let j = 0; j < sizes[o]!; j++) {
      const w = Math.max(1 - Math.abs((start + j - centre + 0.5) * inverse), 0);
      weight[o * taps + j] = w;
      total += w;
    }
    for (let j = 0; j < taps; j++) {
      index[o * taps + j] = start + Math.min(j, sizes[o]! - 1);
      if (total !== 0) weight[o * taps + j]! /= total;
    }
  }
  return { taps, index, weight };
}

/**
 * The taps of a bilinear resampling of an axis of `inLength` samples to `outLength`, as torch computes
 * them for `interpolate(mode='bilinear', align_corners=False)` and torchvision for `resize` on tensors:
 * half-pixel centres, borders repeated. With `antialias` (default false), shrinking averages over
 * every source sample under the widened filter, as torchvision's `resize(antialias=True)` and PIL do;
 * growing is the same either way.
 */
export function bilinearTaps(inLength: number, outLength: number, antialias = false): BilinearTaps {
  assertNumber(inLength, 'bilinearTaps inLength', { min: 1, integer: true });
  assertNumber(outLength, 'bilinearTaps outLength', { min: 1, integer: true });
  assertBoolean(antialias, 'bilinearTaps antialias');
  return antialias ? antialiasedTaps(inLength, outLength) : plainTaps(inLength, outLength);
}

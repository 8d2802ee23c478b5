import { COLOR_JITTER_PARAMS, COLOR_OP_SLOTS, COLOR_OPS, LUMA_WEIGHTS } from '@simclr/core';

// Every operation rounds to float32, in the order the op-by-op path (blend.ts, adjust-hue.ts,
// rgb-to-grayscale.ts) runs them on the backends, so the results are theirs bit for bit; only the
// contrast mean's sum may round differently (it adds in order, in float32, as tfjs-backend-wasm does).
const f = Math.fround;
const [RED, GREEN, BLUE] = LUMA_WEIGHTS.map(f) as [number, number, number];
const TINY = f(1e-30);

const clip = (v: number) => (v < 0 ? 0 : Math.min(v, 1));
const gray = (r: number, g: number, b: number) => f(f(f(r * RED) + f(g * GREEN)) + f(b * BLUE));
/** min(a, b) as the op path takes it: a − relu(a − b). */
const min2 = (a: number, b: number) => {
  const d = f(a - b);
  return d > 0 ? f(a - d) : a;
};

/** The mean of the image's grayscale: a float32 sum in pixel order, divided by the pixel count. */
function grayMean(img: Float32Array, c: number): number {
  let sum = 0;
  if (c === 1) for (let k = 0; k < img.length; k++) sum = f(sum + img[k]!);
  else for (let k = 0; k < img.length; k += 3) sum = f(sum + gray(img[k]!, img[k + 1]!, img[k + 2]!));
  return f(sum / (img.length / c));
}

/** torchvision's `_rgb2hsv`, hue shift and `_hsv2rgb`, as `shiftHue` writes them, on one pixel in place. */
function hue(img: Float32Array, k: number, delta6: number): void {
  const r = img[k]!;
  const g = img[k + 1]!;
  const b = img[k + 2]!;
  const gMinusR = f(g - r);
  const bMinusR = f(b - r);
  const bMinusG = f(b - g);
  const isR = gMinusR > 0 || bMinusR > 0 ? 0 : 1;
  const isB = isR === 0 && bMinusG > 0 ? 1 : 0;
  const isG = 1 - isR - isB;
  const max = isR ? r : isG ? g : b;
  const min = min2(min2(r, g), b);
  const chroma = f(max - min);
  const numerator = isG ? bMinusR : isR ? -bMinusG : -gMinusR;
  const sector = isG ? 2 : isB ? 4 : 0;
  const hue6 = f(f(numerator / f(chroma + TINY)) + sector);
  const shifted = f(hue6 + delta6);
  const t = f(shifted - f(Math.floor(f(shifted / 6)) * 6));
  img[k] = f(min + f(chroma * clip(f(Math.abs(f(t - 3)) - 1))));
  img[k + 1] = f(min + f(chroma * clip(f(2 - Math.abs(f(t - 2))))));
  img[k + 2] = f(min + f(chroma * clip(f(2 - Math.abs(f(t - 4))))));
}

/** Runs the ops of one image (its params row `p`) on `img` in place; `c` is 1 or 3. */
function distort(img: Float32Array, c: number, p: Float32Array): void {
  for (let slot = 0; slot < COLOR_OP_SLOTS; slot++) {
    const op = p[slot]!;
    if (op < 0) break;
    switch (op) {
      case COLOR_OPS.brightness: {
        const s = p[COLOR_OP_SLOTS]!;
        for (let k = 0; k < img.length; k++) img[k] = clip(f(img[k]! * s));
        break;
      }
      case COLOR_OPS.contrast: {
        const s = p[COLOR_OP_SLOTS + 1]!;
        const m = f(grayMean(img, c) * p[COLOR_OP_SLOTS + 2]!);
        for (let k = 0; k < img.length; k++) img[k] = clip(f(f(img[k]! * s) + m));
        break;
      }
      case COLOR_OPS.saturation: {
        const s = p[COLOR_OP_SLOTS + 3]!;
        const w = p[COLOR_OP_SLOTS + 4]!;
        for (let k = 0; k < img.length; k += 3) {
          const y = f(gray(img[k]!, img[k + 1]!, img[k + 2]!) * w);
          img[k] = clip(f(f(img[k]! * s) + y));
          img[k + 1] = clip(f(f(img[k + 1]! * s) + y));
          img[k + 2] = clip(f(f(img[k + 2]! * s) + y));
        }
        break;
      }
      case COLOR_OPS.hue: {
        const d = p[COLOR_OP_SLOTS + 5]!;
        for (let k = 0; k < img.length; k += 3) hue(img, k, d);
        break;
      }
      case COLOR_OPS.grayscale: {
        for (let k = 0; k < img.length; k += 3) {
          const y = gray(img[k]!, img[k + 1]!, img[k + 2]!);
          img[k] = y;
          img[k + 1] = y;
          img[k + 2] = y;
        }
        break;
      }
    }
  }
}

/**
 * The `SimclrColorJitter` kernel on the host: `out` = the distorted `x` (NHWC, `n` images of `h·w·c`
 * floats), image by image while it is in cache.
 */
export function colorJitterHost(
  x: Float32Array,
  params: Float32Array,
  out: Float32Array,
  n: number,
  c: number,
): void {
  const size = x.length / n;
  out.set(x);
  for (let i = 0; i < n; i++) {
    distort(
      out.subarray(i * size, (i + 1) * size),
      c,
      params.subarray(i * COLOR_JITTER_PARAMS, (i + 1) * COLOR_JITTER_PARAMS),
    );
  }
}

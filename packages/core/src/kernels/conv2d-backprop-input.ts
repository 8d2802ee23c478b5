import type { Conv2DBackpropInputAttrs, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type KernelRunner, withKernels } from './backend-kernels.js';
import { type ConvGeometry, convGeometry } from './conv-geometry.js';
import { cropSpatial, explicitPadding } from './spatial-padding.js';

/**
 * How the input pixels along one axis receive gradient, split by phase `a = i mod s` of the input index
 * `i = s·q + a`. Input pixel i gets dy[o]·w[f] for every o·s + f − pad = i, i.e. f = a + pad − s·(o − q):
 * within one phase only the filter taps f ≡ a + pad (mod s) contribute, each from dy row q + d with
 * d = (a + pad − f) / s. Every phase is thus a stride-1 correlation of dy with a sub-filter, and all
 * phases share one window of dy offsets d ∈ [lo, lo + taps).
 */
interface AxisPlan {
  /** Window length, in dy pixels. */
  taps: number;
  /** dy offset of the window's first tap relative to q. */
  lo: number;
  /** `tap[a·taps + t]`: the filter index phase `a` uses at window tap t, or −1 where it uses none. */
  tap: Int32Array;
  /** ceil(inSize / s): input pixels per phase (the last block may overhang the input). */
  blocks: number;
  /**
   * The phases that get any gradient are [first, first + count); the others (a 1×1 filter with stride 2
   * reaches only every other pixel) are left out of the convolution and padded back as zeros. When the
   * phases with taps wrap around, all s are kept.
   */
  first: number;
  count: number;
}

function axisPlan(filter: number, stride: number, pad: number, inSize: number): AxisPlan {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < stride; a++) {
    for (let f = 0; f < filter; f++) {
      const r = a + pad - f;
      if (r % stride !== 0) continue;
      lo = Math.min(lo, r / stride);
      hi = Math.max(hi, r / stride);
    }
  }
  const taps = hi - lo + 1;
  const tap = new Int32Array(stride * taps).fill(-1);
  for (let a = 0; a < stride; a++) {
    for (let f = 0; f < filter; f++) {
      const r = a + pad - f;
      if (r % stride === 0) tap[a * taps + r / stride - lo] = f;
    }
  }
  const used = Array.from({ length: stride }, (_, a) =>
    tap.subarray(a * taps, (a + 1) * taps).some((f) => f >= 0),
  );
  const first = used.indexOf(true);
  const count = used.lastIndexOf(true) - first + 1;
  const contiguous = used.slice(first, first + count).every(Boolean);
  return {
    taps,
    lo,
    tap,
    blocks: Math.ceil(inSize / stride),
    first: contiguous ? first : 0,
    count: contiguous ? count : stride,
  };
}

/**
 * The filter of the one convolution that computes every phase at once: [tapsH, tapsW, Co, P·Ci] for the
 * P = rows.count·cols.count phases kept, channel ((a − rows.first)·cols.count + b − cols.first)·Ci + ci
 * holding phase (a, b)'s sub-filter, zero where that phase has no tap.
 * The filter is small next to the activations, but wasm's GatherV2 copies element by element (~30 ns
 * each, so ~30 ms for the 1M values of a 3×3×256×256 stride-2 phase filter) and its Slice re-reads
 * the whole input per call, so the rows are rearranged on the host with block copies from the
 * [FH, FW, Co, Ci] transpose.
 */
function phaseFilter(
  k: KernelRunner,
  filter: TensorInfo,
  g: ConvGeometry,
  rows: AxisPlan,
  cols: AxisPlan,
): TensorInfo {
  const { filterWidth: fw, inChannels: ci, outChannels: co } = g;
  const phases = rows.count * cols.count;
  const src = k.read(k.run('Transpose', { x: filter }, { perm: [0, 1, 3, 2] })) as Float32Array;
  const dst = new Float32Array(rows.taps * cols.taps * co * phases * ci);
  for (let t = 0; t < rows.taps; t++) {
    for (let u = 0; u < cols.taps; u++) {
      for (let a = 0; a < rows.count; a++) {
        const r = rows.tap[(rows.first + a) * rows.taps + t]!;
        for (let b = 0; b < cols.count; b++) {
          const c = cols.tap[(cols.first + b) * cols.taps + u]!;
          if (r < 0 || c < 0) continue;
          const from = (r * fw + c) * co * ci;
          const to = ((t * cols.taps + u) * co * phases + a * cols.count + b) * ci;
          if (phases === 1) {
            dst.set(src.subarray(from, from + co * ci), to);
            continue;
          }
          for (let o = 0; o < co; o++) {
            dst.set(src.subarray(from + o * ci, from + (o + 1) * ci), to + o * phases * ci);
          }
        }
      }
    }
  }
  return k.upload(dst, [rows.taps, cols.taps, co, phases * ci], 'float32');
}

/**
 * `Conv2DBackpropInput` (the input gradient dx of a 2-D convolution, also `conv2dTranspose`) as one
 * forward Conv2D of the backend. Stride 1 is the textbook form: dy padded by (F − 1 − pad) convolved
 * with the flipped, in/out-swapped filter. For stride s it avoids convolving a zero-upsampled dy (which
 * multiplies by zeros s² − 1 times out of s²): each of the s² phases of dx (see {@link AxisPlan}) is a
 * stride-1 correlation of dy with a sub-filter, all phases run as the output channels of one Conv2D,
 * phases no filter tap reaches are padded in as zeros, and a reshape/transpose interleaves them into dx.
 */
export function conv2dBackpropInputKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as Conv2DBackpropInputAttrs;
    const g = convGeometry('Conv2DBackpropInput', a.inputShape, filter.shape, dy.shape, a);
    const { batch: n, inHeight: h, inWidth: w, inChannels: ci } = g;
    return withKernels(backendName, backend as KernelBackend, (k) => {
      const zeros = () => k.run('Fill', {}, { shape: [...a.inputShape], value: 0, dtype: 'float32' });
      if ([...a.inputShape, ...dy.shape].includes(0)) return zeros();
      const rows = axisPlan(g.filterHeight, g.strideHeight, g.padTop, h);
      const cols = axisPlan(g.filterWidth, g.strideWidth, g.padLeft, w);
      const dyNhwc = g.channelsLast ? dy : k.run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] });
      const padded = explicitPadding(k, dyNhwc, {
        top: -rows.lo,
        bottom: rows.blocks + rows.lo + rows.taps - 1 - g.outHeight,
        left: -cols.lo,
        right: cols.blocks + cols.lo + cols.taps - 1 - g.outWidth,
      });
      if (padded === undefined) return zeros();
      const phased = k.run(
        'Conv2D',
        { x: padded.x, filter: phaseFilter(k, filter, g, rows, cols) },
        { strides: [1, 1], pad: padded.pad, dataFormat: 'NHWC', dilations: [1, 1] },
      );
      const sh = g.strideHeight;
      const sw = g.strideWidth;
      let dx = phased;
      if (rows.count * cols.count < sh * sw) {
        const kept = k.run('Reshape', { x: phased }, { shape: [-1, rows.count, cols.count, ci] });
        const paddings = [
          [0, 0],
          [rows.first, sh - rows.first - rows.count],
          [cols.first, sw - cols.first - cols.count],
          [0, 0],
        ];
        dx = k.run('PadV2', { x: kept }, { paddings, constantValue: 0 });
      }
      if (sh * sw > 1) {
        const split = k.run('Reshape', { x: dx }, { shape: [n * rows.blocks, cols.blocks, sh, sw * ci] });
        const interleaved = k.run('Transpose', { x: split }, { perm: [0, 2, 1, 3] });
        dx = k.run('Reshape', { x: interleaved }, { shape: [n, rows.blocks * sh, cols.blocks * sw, ci] });
      }
      if (rows.blocks * sh !== h || cols.blocks * sw !== w) {
        dx = cropSpatial(k, dx, {
          top: 0,
          bottom: rows.blocks * sh - h,
          left: 0,
          right: cols.blocks * sw - w,
        });
      }
      return g.channelsLast ? dx : k.run('Transpose', { x: dx }, { perm: [0, 3, 1, 2] });
    });
  };
}

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The Node-API addon's functions. Buffers are float32 views the caller owns; shapes are NHWC / HWIO. */
export interface NativeAddon {
  /** y = conv(x, filter) (+ bias) (relu); geometry as {@link convGeometry}. */
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
    geometry: number[],
    relu: boolean,
  ): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: number[]): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: number[]): void;
  /** c[b] = op(a[b]) · op(b[b]) (+ bias[n]) (relu); geometry [batchA, batchB, m, k, n, transA, transB]. */
  matmul(
    a: Float32Array,
    b: Float32Array,
    bias: Float32Array | null,
    c: Float32Array,
    geometry: number[],
    relu: boolean,
  ): void;
  /**
   * Training-mode batch norm over the last axis of x, viewed as [rows, channels]: writes y and the
   * batch's mean and biased variance.
   */
  batchNorm(
    x: Float32Array,
    scale: Float32Array,
    offset: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    dims: [rows: number, channels: number],
    epsilon: number,
  ): void;
  /** The gradient of {@link batchNorm} with respect to x, scale and offset (dmean, dvariance: null is zero). */
  batchNormGrad(
    dy: Float32Array,
    x: Float32Array,
    scale: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    dmean: Float32Array | null,
    dvariance: Float32Array | null,
    dx: Float32Array,
    dscale: Float32Array,
    doffset: Float32Array,
    dims: [rows: number, channels: number],
    epsilon: number,
  ): void;
  /** SimCLR's colour distortion (`SimclrColorJitter` of @simclr/core); dims [n, pixels, channels, paramCount]. */
  colorJitter(
    x: Float32Array,
    params: Float32Array,
    out: Float32Array,
    dims: [n: number, pixels: number, channels: number, paramCount: number],
  ): void;
  /** Per-image separable blur, reflect padding (`SimclrGaussianBlur` of @simclr/core); dims [n, h, w, c, k]. */
  gaussianBlur(
    x: Float32Array,
    taps: Float32Array,
    out: Float32Array,
    dims: [n: number, h: number, w: number, c: number, k: number],
  ): void;
  /** The augmentation's crop-and-resize (`SimclrCropResize` of @simclr/core); dims [n, h, w, c, outH, outW]. */
  cropResize(
    x: Float32Array,
    rows: Float32Array,
    cols: Float32Array,
    out: Float32Array,
    dims: [n: number, h: number, w: number, c: number, outH: number, outW: number],
  ): void;
  /** Threads of the calling thread's next parallel regions (OpenMP). */
  setThreads(n: number): void;
  info(): { threads: number; onednn: string; cachedPrimitives: number };
}

/** Where the addon is: the prebuilt one shipped in the package for this platform. */
export function addonPath(): string {
  return fileURLToPath(
    new URL(`../prebuilds/${process.platform}-${process.arch}/simclr_native.node`, import.meta.url),
  );
}

/** Loads the addon, or says in one line why it cannot be loaded here. */
export function loadAddon(): { addon: NativeAddon } | { reason: string } {
  const path = addonPath();
  if (!existsSync(path)) {
    return {
      reason:
        process.platform === 'linux' && process.arch === 'x64'
          ? 'the addon is not built: install oneDNN and g++ (apt-get install libdnnl-dev g++) and rebuild @simclr/native'
          : `no build for ${process.platform}-${process.arch} (only linux-x64 ships one)`,
    };
  }
  try {
    return { addon: createRequire(import.meta.url)(path) as NativeAddon };
  } catch (error) {
    return { reason: `the addon does not load: ${(error as Error).message.split('\n')[0]}` };
  }
}

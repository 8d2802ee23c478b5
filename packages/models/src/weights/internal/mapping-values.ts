/**
 * The value conversions between PyTorch's and TensorFlow.js' weight layouts, and the two exact folds that
 * `loadStateDict` applies to projection heads. Plain `Float32Array`s, no tfjs.
 */

/** PyTorch's batch-norm ε default (`nn.BatchNorm1d(eps=1e-5)`), which state dicts do not record. */
export const TORCH_BATCH_NORM_EPSILON = 1e-5;

/** A convolution kernel `[out, in, kh, kw]` (PyTorch) as `[kh, kw, in, out]` (tfjs). */
export function oihwToHwio(src: Float32Array, shape: readonly number[]): Float32Array {
  const [o, i, kh, kw] = shape as [number, number, number, number];
  const dst = new Float32Array(src.length);
  let s = 0;
  for (let a = 0; a < o; a++) {
    for (let b = 0; b < i; b++) {
      for (let h = 0; h < kh; h++) {
        for (let w = 0; w < kw; w++) dst[((h * kw + w) * i + b) * o + a] = src[s++]!;
      }
    }
  }
  return dst;
}

/** A convolution kernel `[kh, kw, in, out]` (tfjs) as `[out, in, kh, kw]` (PyTorch). */
export function hwioToOihw(src: Float32Array, shape: readonly number[]): Float32Array {
  const [kh, kw, i, o] = shape as [number, number, number, number];
  const dst = new Float32Array(src.length);
  let s = 0;
  for (let h = 0; h < kh; h++) {
    for (let w = 0; w < kw; w++) {
      for (let b = 0; b < i; b++) {
        for (let a = 0; a < o; a++) dst[((a * i + b) * kh + h) * kw + w] = src[s++]!;
      }
    }
  }
  return dst;
}

/** A `[rows, cols]` matrix transposed: PyTorch's Linear weight `[out, in]` ↔ a tfjs dense kernel `[in, out]`. */
export function transpose2d(src: Float32Array, shape: readonly number[]): Float32Array {
  const [rows, cols] = shape as [number, number];
  const dst = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c]!;
  }
  return dst;
}

/**
 * The moving mean that absorbs a Linear bias b before a batch norm: BN(Wx + b) = BN'(Wx) with μ' = μ − b.
 * Exact in inference and in training too (the batch mean shifts by b, and so does the moving mean), and
 * PyTorch never changes b during training, as its gradient through a training-mode batch norm is zero.
 */
export function foldBiasIntoMean(runningMean: Float32Array, bias: Float32Array): Float32Array {
  const out = new Float32Array(runningMean.length);
  for (let j = 0; j < out.length; j++) out[j] = runningMean[j]! - bias[j]!;
  return out;
}

/** The values of an inference-mode batch norm that follows a Linear layer, PyTorch's names. */
export interface BatchNormValues {
  weight: Float32Array;
  bias: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
}

/**
 * A Linear `[out, in]` (bias optional) followed by an inference-mode batch norm, as one Linear: kernel
 * `[in, out]` = Wᵀ·diag(s) and bias (b − μ)·s + β with s = γ/√(σ² + ε). Exact in inference only: in
 * training the batch norm normalises with the batch's statistics, which a Linear cannot. Computed in
 * float64, rounded once.
 */
export function foldBatchNormIntoLinear(
  weight: Float32Array,
  shape: readonly number[],
  bias: Float32Array | undefined,
  bn: BatchNormValues,
  epsilon = TORCH_BATCH_NORM_EPSILON,
): { kernel: Float32Array; bias: Float32Array } {
  const [out, inDim] = shape as [number, number];
  const kernel = new Float32Array(out * inDim);
  const folded = new Float32Array(out);
  for (let j = 0; j < out; j++) {
    const s = bn.weight[j]! / Math.sqrt(bn.runningVar[j]! + epsilon);
    for (let i = 0; i < inDim; i++) kernel[i * out + j] = weight[j * inDim + i]! * s;
    folded[j] = ((bias === undefined ? 0 : bias[j]!) - bn.runningMean[j]!) * s + bn.bias[j]!;
  }
  return { kernel, bias: folded };
}

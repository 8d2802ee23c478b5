/** Reflect padding's source index for i in [−pad, n + pad): −1 → 1, n → n − 2, as torchvision's. */
function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * n - 2 - i;
  return i;
}

/**
 * The `SimclrGaussianBlur` kernel on the host: each image's rows, then its columns, filtered with its
 * taps (reflect padding), sums in double. An image whose taps are the identity is copied as it is.
 */
export function gaussianBlurHost(
  x: Float32Array,
  taps: Float32Array,
  out: Float32Array,
  shape: readonly number[],
): void {
  const [n, h, w, c] = shape as [number, number, number, number];
  const k = taps.length / n;
  const half = k >> 1;
  const size = h * w * c;
  const rows = new Float32Array(size);
  const cols = new Int32Array(w * k);
  const lines = new Int32Array(h * k);
  for (let j = 0; j < w; j++) for (let t = 0; t < k; t++) cols[j * k + t] = reflect(j + t - half, w) * c;
  for (let i = 0; i < h; i++) for (let t = 0; t < k; t++) lines[i * k + t] = reflect(i + t - half, h) * w * c;
  for (let img = 0; img < n; img++) {
    const tap = taps.subarray(img * k, (img + 1) * k);
    const src = x.subarray(img * size, (img + 1) * size);
    const dst = out.subarray(img * size, (img + 1) * size);
    if (tap.every((v, t) => v === (t === half ? 1 : 0))) {
      dst.set(src);
      continue;
    }
    for (let i = 0; i < h; i++) {
      const row = i * w * c;
      for (let j = 0; j < w; j++) {
        for (let ch = 0; ch < c; ch++) {
          let sum = 0;
          for (let t = 0; t < k; t++) sum += tap[t]! * src[row + cols[j * k + t]! + ch]!;
          rows[row + j * c + ch] = sum;
        }
      }
    }
    for (let i = 0; i < h; i++) {
      for (let jc = 0; jc < w * c; jc++) {
        let sum = 0;
        for (let t = 0; t < k; t++) sum += tap[t]! * rows[lines[i * k + t]! + jc]!;
        dst[i * w * c + jc] = sum;
      }
    }
  }
}

/**
 * The `SimclrCropResize` kernel on the host: for each output row, the crop's two source rows blended
 * over its width, then each output pixel from two columns of that blend, in double precision.
 */
export function cropResizeHost(
  x: Float32Array,
  rows: Float32Array,
  cols: Float32Array,
  out: Float32Array,
  shape: readonly number[],
  outH: number,
  outW: number,
): void {
  const [n, h, w, c] = shape as [number, number, number, number];
  const line = new Float64Array(w * c);
  for (let img = 0; img < n; img++) {
    // Only the columns the taps use are blended: from the smallest to the largest.
    let lo = w;
    let hi = 0;
    for (let k = img * outW; k < (img + 1) * outW; k++) {
      lo = Math.min(lo, cols[4 * k]!, cols[4 * k + 1]!);
      hi = Math.max(hi, cols[4 * k]!, cols[4 * k + 1]!);
    }
    for (let y = 0; y < outH; y++) {
      const r = 4 * (img * outH + y);
      const row0 = ((img * h + rows[r]!) * w + lo) * c;
      const row1 = ((img * h + rows[r + 1]!) * w + lo) * c;
      const h0 = rows[r + 2]!;
      const h1 = rows[r + 3]!;
      const span = (hi - lo + 1) * c;
      for (let j = 0; j < span; j++) line[j] = h0 * x[row0 + j]! + h1 * x[row1 + j]!;
      const o = (img * outH + y) * outW * c;
      for (let xo = 0; xo < outW; xo++) {
        const k = 4 * (img * outW + xo);
        const a = (cols[k]! - lo) * c;
        const b = (cols[k + 1]! - lo) * c;
        const w0 = cols[k + 2]!;
        const w1 = cols[k + 3]!;
        for (let ch = 0; ch < c; ch++) out[o + xo * c + ch] = w0 * line[a + ch]! + w1 * line[b + ch]!;
      }
    }
  }
}

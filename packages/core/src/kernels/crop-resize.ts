/**
 * Kernel name of the augmentation's crop-and-resize (with the flip folded in), as `@simclr/augment`'s
 * `cropResize` computes it: inputs `x`, an NHWC float32 batch, and `rows` and `cols`, float32
 * `[N·outH, 4]` and `[N·outW, 4]`, each output row's (column's) two source rows (columns) within its image
 * and their bilinear weights, `[i0, i1, w0, w1]`. Output: `[N, outH, outW, C]`, each value
 * `Σ w·x` over the four taps, the rows blended first, in double precision.
 *
 * `@simclr/augment` registers it for the cpu and wasm backends when it first needs it, and
 * `@simclr/native` registers a threaded one for wasm.
 */
export const CropResize = 'SimclrCropResize';

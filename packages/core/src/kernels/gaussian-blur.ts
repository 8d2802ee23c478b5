/**
 * Kernel name of a per-image separable blur with reflect padding, as torchvision's `F.gaussian_blur`
 * on tensors and `@simclr/augment`'s `gaussianBlur`: inputs `x`, an NHWC float32 batch, and `taps`,
 * float32 `[N, K]`, each image's normalised 1-D kernel (K odd, K/2 less than both sides); the rows are
 * filtered with it, then the columns. Output: x's shape.
 *
 * `@simclr/augment` registers it for the cpu and wasm backends when it first needs it, and
 * `@simclr/native` registers a threaded one for wasm.
 */
export const GaussianBlur = 'SimclrGaussianBlur';

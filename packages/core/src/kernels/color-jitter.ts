/**
 * Kernel name of the colour distortion of SimCLR in one pass per image: torchvision's `ColorJitter` ops
 * (brightness, contrast, saturation, hue) in each image's own order, then `RandomGrayscale`, with the
 * float32 operations of `@simclr/augment`'s op-by-op path (`adjustBrightness` … `rgbToGrayscale`).
 *
 * Inputs: `x`, an NHWC float32 batch with 1 or 3 channels; `params`, float32 `[N, COLOR_JITTER_PARAMS]`,
 * per image the op codes in the order they run (`COLOR_OPS`, padded with -1), then the weights the
 * op-by-op path blends with, each rounded to float32 from the double it is computed in: brightness b;
 * contrast c and 1 − c; saturation s and 1 − s; 6·(hue delta in turns). Output: the distorted batch, x's
 * shape. On a 1-channel batch saturation, hue and grayscale must not be listed (identities there).
 *
 * `@simclr/augment` registers it for the cpu, wasm and webgl backends when it first needs it, and
 * `@simclr/native` registers a threaded one for wasm.
 */
export const ColorJitter = 'SimclrColorJitter';

/** Op codes of {@link ColorJitter}'s params. */
export const COLOR_OPS = { brightness: 0, contrast: 1, saturation: 2, hue: 3, grayscale: 4 } as const;

/** Op slots per image: every jitter op once, then grayscale. */
export const COLOR_OP_SLOTS = 5;

/** Floats per image in {@link ColorJitter}'s params: the op slots, then the six weights. */
export const COLOR_JITTER_PARAMS = COLOR_OP_SLOTS + 6;

// So a pipeline needs only this package: the seeded generator every augmentation takes, and the error
// type and image contract it uses.
export { createRng, type ImageBatch, type Rng, SimclrError } from '@simclr/core';
export { adjustBrightness } from './adjust-brightness.js';
export { adjustContrast } from './adjust-contrast.js';
export { adjustHue } from './adjust-hue.js';
export { adjustSaturation } from './adjust-saturation.js';
export type { Augmentation } from './augmentation.js';
export { type ColorJitterOptions, colorJitter } from './color-jitter.js';
export { compose } from './compose.js';
export { type GaussianBlurOptions, gaussianBlur } from './gaussian-blur.js';
export { horizontalFlip } from './horizontal-flip.js';
export type { PerImage, PerImageMask } from './per-image.js';
export { randomApply } from './random-apply.js';
export { type RandomGaussianBlurOptions, randomGaussianBlur } from './random-gaussian-blur.js';
export { type RandomGrayscaleOptions, randomGrayscale } from './random-grayscale.js';
export { type RandomHorizontalFlipOptions, randomHorizontalFlip } from './random-horizontal-flip.js';
export { type RandomResizedCropOptions, randomResizedCrop } from './random-resized-crop.js';
export { type RandomSolarizeOptions, randomSolarize } from './random-solarize.js';
export { type Boxes, resizedCrop } from './resized-crop.js';
export { type RgbToGrayscaleOptions, rgbToGrayscale } from './rgb-to-grayscale.js';
export { type SimclrAugmentOptions, simclrAugment, simclrCifarAugment } from './simclr-augment.js';
export { solarize } from './solarize.js';
export { twoViews } from './two-views.js';

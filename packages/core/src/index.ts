import './register-gradients.js';

export {
  activeBackend,
  type NativeModule,
  provideNativeKernels,
  type SetupBackendOptions,
  setupBackend,
} from './backend.js';
export { type BilinearTaps, bilinearTaps } from './bilinear-taps.js';
export { describeValue } from './describe-value.js';
export { isNode } from './environment.js';
export { SimclrError, type SimclrErrorCode } from './errors.js';
export {
  BatchNormTraining,
  type BatchNormTrainingAttrs,
  BatchNormTrainingGrad,
  batchNormTraining,
} from './kernels/batch-norm-training.js';
export { COLOR_JITTER_PARAMS, COLOR_OP_SLOTS, COLOR_OPS, ColorJitter } from './kernels/color-jitter.js';
export { CropResize } from './kernels/crop-resize.js';
export { GaussianBlur } from './kernels/gaussian-blur.js';
export { registerTrainingKernels } from './kernels/register-training-kernels.js';
export { LUMA_WEIGHTS, luma } from './luma.js';
export { createRng, type Rng, type RngState } from './rng.js';
export type { BackendInfo, BackendName, Embeddings, ImageBatch, Labels } from './types.js';
export {
  assertBoolean,
  assertDtype,
  assertFinite,
  assertImageBatch,
  assertNumber,
  assertOneOf,
  assertOptionsObject,
  assertProbability,
  assertRange,
  assertRank,
  assertShape,
  assertTensor,
  optionsObject,
} from './validate.js';
export { setValueChecks, valueChecksEnabled, withValueChecks } from './value-checks.js';

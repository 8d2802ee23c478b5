export { type BatchNormLayer, batchNormLayers, updateMovingStatistics } from './batch-norm-layers.js';
export { type ProjectionHeadOptions, projectionHead } from './projection-head.js';
export { type ResNetDepth, type ResNetOptions, resnet } from './resnet.js';
export {
  type ForwardOptions,
  loadSimCLRModel,
  type SimCLRMetadata,
  SimCLRModel,
  type SimCLRModelParts,
} from './simclr-model.js';
export { type SmallCnnOptions, smallCnn } from './small-cnn.js';
export { isBatchNormOrBias } from './weight-names.js';
export { type ExportStateDictOptions, exportStateDict } from './weights/export-state-dict.js';
export { type InferredResNetOptions, inferResNetOptions } from './weights/infer-resnet.js';
export {
  type LoadReport,
  type LoadStateDictOptions,
  loadStateDict,
  type WeightLayout,
} from './weights/load-state-dict.js';
export { readSafetensors, type Safetensors, writeSafetensors } from './weights/safetensors.js';
export {
  allocateWeightData,
  elementCount,
  type StateDict,
  toFloat32,
  WEIGHT_DTYPE_SIZE,
  WEIGHT_DTYPES,
  type WeightData,
  type WeightDataTypes,
  type WeightDtype,
  type WeightTensor,
  weightTensor,
} from './weights/state-dict.js';
export {
  PickledObject,
  readTorchCheckpoint,
  STATE_DICT_KEYS,
  type StateDictFromOptions,
  stateDictFrom,
  TORCH_CHECKPOINT_GLOBALS,
  type TorchCheckpointOptions,
} from './weights/torch-checkpoint.js';

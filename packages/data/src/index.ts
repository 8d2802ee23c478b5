export {
  type AdaptImagesOptions,
  adaptImageBatch,
  adaptImages,
  type ImageTarget,
} from './adapt-images.js';
export { iterateBatches } from './batches.js';
export { type CifarBinaryOptions, fromCifarBinary } from './cifar.js';
export {
  CIFAR10_CLASSES,
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
  STL10_CLASSES,
} from './class-names.js';
export { createDataset, type ImageSource } from './dataset.js';
export { type FromIdxOptions, fromIdx, type NamedBytes } from './from-idx.js';
export { type FromTensorsOptions, fromTensors } from './from-tensors.js';
export { type IdxArray, parseIdx } from './idx.js';
export { fashionMnist, type MnistSplit, type MnistUrlOptions, mnist } from './mnist.js';
export { decodeStl10Image, fromStl10Binary, STL10_IMAGE_BYTES } from './stl10.js';
export { subset } from './subset.js';
export { SHAPE_CLASSES, type SyntheticShapesOptions, syntheticShapes } from './synthetic-shapes.js';
export type { Batch, BatchOptions, Dataset, ImageShape } from './types.js';

export { fileSystem } from './node/file-system.js';
export { type ReadWeightsFileOptions, readWeightsFile, type WeightsFile } from './node/read-weights-file.js';

export * from './index.js';
export { type Cifar10Options, type Cifar100Options, cifar10, cifar100 } from './node/cifar.js';
export { type DownloadOptions, type DownloadProgress, download } from './node/download.js';
export {
  IMAGE_EXTENSIONS,
  type ImageFolderOptions,
  imageFolder,
  MAX_IMAGE_PIXELS,
} from './node/image-folder.js';
export { fashionMnist, type MnistDirOptions, mnist } from './node/mnist.js';
export { type DownloadableDataset, REMOTE_FILES, type RemoteFile } from './node/remote-files.js';
export { type Stl10Options, stl10 } from './node/stl10.js';

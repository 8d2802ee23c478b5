import type { Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';

/**
 * A batch of images: NHWC, float32, values in [0, 1], 1 or 3 channels. Loaders produce it,
 * augmentations take and return it, models consume it.
 */
export type ImageBatch = Tensor4D;

/** A batch of embeddings, one row per image: `[N, D]`, float32. */
export type Embeddings = Tensor2D;

/** Integer class labels, one per image: `[N]`, int32. */
export type Labels = Tensor1D;

/**
 * The backends `setupBackend` knows how to load. `native` is the wasm backend with `@simclr/native`'s
 * oneDNN convolutions and matmuls (Node, linux-x64); tfjs itself calls it `wasm`.
 */
export type BackendName = 'tensorflow' | 'webgpu' | 'webgl' | 'native' | 'wasm' | 'cpu';

/** What `setupBackend` activated. */
export interface BackendInfo {
  /** The backend now active: `tf.getBackend()`, except `native`, which tfjs reports as `wasm`. */
  name: BackendName;
  /** True for backends that run on a GPU or native TensorFlow (tensorflow, webgl, webgpu). */
  accelerated: boolean;
  /** Backends tried before this one that could not be used, each with the reason and its fix. */
  skipped: string[];
}

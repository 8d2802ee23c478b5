import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './types.js';

/** The tfjs version the backend packages must match: that of the tfjs-core in use. */
export const TFJS_VERSION: string = tf.version_core;

/** npm packages that provide each backend, in the order they are tried. */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, readonly string[]>> = {
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  webgpu: ['@tensorflow/tfjs-backend-webgpu'],
  webgl: ['@tensorflow/tfjs-backend-webgl'],
  native: ['@tensorflow/tfjs-backend-wasm'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  cpu: ['@tensorflow/tfjs-backend-cpu'],
};

/** The package of the `native` backend's kernels. */
export const NATIVE_PACKAGE = '@simclr/native';

/** The package that gives Node a `navigator.gpu` (Dawn), for the `webgpu` backend in Node. */
export const DAWN_PACKAGE = 'webgpu';

/** The command that installs what backend `name` needs; `node`: the Node flavour of it. */
export function backendInstallHint(name: BackendName, node: boolean): string {
  if (name === 'native') return `npm install ${NATIVE_PACKAGE}`;
  if (name === 'tensorflow') {
    return `npm install @tensorflow/tfjs-node@${TFJS_VERSION} (or @tensorflow/tfjs-node-gpu@${TFJS_VERSION} for CUDA)`;
  }
  if (name === 'webgpu' && node) {
    return `npm install ${BACKEND_PACKAGES.webgpu[0]}@${TFJS_VERSION} ${DAWN_PACKAGE}`;
  }
  return `npm install ${BACKEND_PACKAGES[name][0]}@${TFJS_VERSION}`;
}

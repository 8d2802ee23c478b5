import {
  BatchNormTraining,
  BatchNormTrainingGrad,
  ColorJitter,
  CropResize,
  GaussianBlur,
  SimclrError,
} from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon, type NativeAddon } from './addon.js';
import { batchMatMulKernel } from './kernels/batch-mat-mul.js';
import { batchNormTrainingKernel } from './kernels/batch-norm-training.js';
import { batchNormTrainingGradKernel } from './kernels/batch-norm-training-grad.js';
import { colorJitterKernel } from './kernels/color-jitter.js';
import { conv2dKernel } from './kernels/conv2d.js';
import { conv2dBackpropFilterKernel } from './kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './kernels/conv2d-backprop-input.js';
import { cropResizeKernel } from './kernels/crop-resize.js';
import { fusedConv2dKernel } from './kernels/fused-conv2d.js';
import { fusedMatMulKernel } from './kernels/fused-mat-mul.js';
import { gaussianBlurKernel } from './kernels/gaussian-blur.js';

type Factory = (addon: NativeAddon, fallback: tf.KernelConfig) => tf.KernelFunc;

/** The wasm kernels replaced: the convolutions and matmuls that make up most of a training step. */
const KERNELS: readonly (readonly [string, Factory])[] = [
  [tf.Conv2D, conv2dKernel],
  [tf.FusedConv2D, fusedConv2dKernel],
  [tf.Conv2DBackpropInput, conv2dBackpropInputKernel],
  [tf.Conv2DBackpropFilter, conv2dBackpropFilterKernel],
  [tf.BatchMatMul, batchMatMulKernel],
  [tf._FusedMatMul, fusedMatMulKernel],
];

/**
 * Kernels the wasm backend does not have, which the library uses when they are registered: training
 * batch norm and its gradient, fused (`batchNormTraining` of @simclr/core), and the colour distortion
 * blur and crop (`SimclrColorJitter`, `SimclrGaussianBlur`, `SimclrCropResize`, which @simclr/augment
 * otherwise runs as single-threaded loops).
 */
const ADDED: readonly (readonly [string, (addon: NativeAddon) => tf.KernelFunc])[] = [
  [BatchNormTraining, batchNormTrainingKernel],
  [BatchNormTrainingGrad, batchNormTrainingGradKernel],
  [ColorJitter, colorJitterKernel],
  [GaussianBlur, gaussianBlurKernel],
  [CropResize, cropResizeKernel],
];

/** The wasm kernels the native ones replaced while they are active. */
let replaced: Map<string, tf.KernelConfig> | undefined;
let loaded: ReturnType<typeof loadAddon> | undefined;

function addon(): ReturnType<typeof loadAddon> {
  loaded ??= loadAddon();
  return loaded;
}

/** Whether the native kernels can run here, and if not, why and what fixes it. */
export interface NativeStatus {
  available: boolean;
  /** Why not, with the fix, when not available. */
  reason?: string;
  /** Whether they replace the wasm backend's kernels now. */
  active: boolean;
  /** OpenMP threads of the calling thread's kernels, and oneDNN's version, when available. */
  threads?: number;
  onednn?: string;
}

export function nativeStatus(): NativeStatus {
  const a = addon();
  if ('reason' in a) return { available: false, reason: a.reason, active: false };
  const { threads, onednn } = a.addon.info();
  return { available: true, active: replaced !== undefined, threads, onednn };
}

/** Options of {@link activateNativeKernels}. */
export interface ActivateOptions {
  /**
   * Threads each kernel call uses (OpenMP, per calling thread). Default: oneDNN's own choice, every core.
   * With data-parallel workers in one process, give each worker cores / workers so they do not
   * oversubscribe the machine.
   */
  threads?: number;
}

/**
 * Replaces the wasm backend's Conv2D, FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter, BatchMatMul
 * and _FusedMatMul with oneDNN kernels that work on the tensors where they are, on the wasm heap, and adds
 * a fused training batch norm and its gradient; every other op stays in wasm. Cases the addon does not cover (other dtypes, NCHW, other fused activations,
 * unusual broadcasts) go to the kernel that was there before. Import `@tensorflow/tfjs-backend-wasm` (and
 * let `setupBackend` register its training kernels) first; `setupBackend('native')` does all of it.
 *
 * @throws SimclrError when the addon is not available here (the message says why and what fixes it).
 */
export function activateNativeKernels(options: ActivateOptions = {}): NativeStatus {
  const a = addon();
  if ('reason' in a) throw new SimclrError(`@simclr/native: ${a.reason}`);
  const { threads } = options;
  if (threads !== undefined) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new SimclrError(`activateNativeKernels: threads must be an integer >= 1, got ${threads}`);
    }
    a.addon.setThreads(threads);
  }
  if (replaced === undefined) {
    const before = new Map<string, tf.KernelConfig>();
    for (const [name] of KERNELS) {
      const config = tf.getKernel(name, 'wasm');
      if (config === undefined) {
        throw new SimclrError(
          `activateNativeKernels: the wasm backend has no '${name}' kernel; import '@tensorflow/tfjs-backend-wasm' first`,
        );
      }
      before.set(name, config);
    }
    for (const [name, make] of KERNELS) {
      const fallback = before.get(name)!;
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel({
        kernelName: name,
        backendName: 'wasm',
        kernelFunc: make(a.addon, fallback),
        // The wasm kernel binds its C function in its setup, which the fallback path still calls.
        setupFunc: fallback.setupFunc,
        disposeFunc: fallback.disposeFunc,
      });
    }
    for (const [name, make] of ADDED) {
      if (tf.getKernel(name, 'wasm') !== undefined) tf.unregisterKernel(name, 'wasm');
      tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: make(a.addon) });
    }
    replaced = before;
  }
  return nativeStatus();
}

/** Puts the wasm backend's own kernels back (plain wasm again). */
export function deactivateNativeKernels(): void {
  if (replaced === undefined) return;
  for (const [name, config] of replaced) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
  }
  // @simclr/augment registers its own colour kernel again when it next needs one.
  for (const [name] of ADDED) tf.unregisterKernel(name, 'wasm');
  replaced = undefined;
}

import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from '../describe-value.js';
import { SimclrError } from '../errors.js';
import type { BackendName } from '../types.js';
import { batchMatMulKernel } from './batch-mat-mul.js';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2dBackpropFilterLoop } from './conv2d-backprop-filter-loop.js';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { registerGradientOverrides } from './gradient-overrides.js';
import { sharingCast, sharingIdentity } from './identity.js';
import { sliceKernel } from './slice.js';

/** Makes the kernel for `backendName`; `replaced` is the one registered under that name before. */
type KernelFactory = (backendName: string, replaced: KernelConfig | undefined) => KernelFunc;

/**
 * What each backend gets. wasm: tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter at all, and its
 * Conv2DBackpropInput is a scalar loop about ten times slower than its XNNPACK forward Conv2D; both
 * become forward Conv2Ds. Its BatchMatMul leaves XNNPACK for a scalar loop whenever an operand is
 * transposed, as in every dense layer's gradient. Its Identity copies, where sharing the memory is enough,
 * as is it for a Cast to the same dtype, and its Slice copies one innermost row at a time.
 * cpu: its Conv2DBackpropFilter reads every element
 * through TensorBuffer.get and runs at ~0.01 GFLOP/s; a direct loop replaces it. cpu's own
 * Conv2DBackpropInput already runs at the speed of its forward Conv2D, which a Conv2D-based one does
 * not beat, so it stays.
 */
const TRAINING_KERNELS: Readonly<Record<string, ReadonlyArray<readonly [string, KernelFactory]>>> = {
  wasm: [
    [tf.Conv2DBackpropFilter, conv2dBackpropFilterKernel],
    [tf.Conv2DBackpropInput, conv2dBackpropInputKernel],
    // REQUIRED below guarantees the backend's own BatchMatMul, Slice and Cast are there to wrap.
    [tf.BatchMatMul, (backendName, replaced) => batchMatMulKernel(backendName, replaced!)],
    [tf.Identity, () => sharingIdentity],
    [tf.Cast, (_, replaced) => sharingCast(replaced!)],
    [tf.Slice, (_, replaced) => sliceKernel(replaced!)],
  ],
  cpu: [[tf.Conv2DBackpropFilter, () => conv2dBackpropFilterLoop]],
};

/** Kernels every backend package registers, which the ones above are built from or wrap. */
const REQUIRED = [tf.Conv2D, tf.BatchMatMul, tf.Slice, tf.Cast];

/** The kernel functions registered here, to recognise them on a second call. */
const ours = new WeakSet<KernelFunc>();

/**
 * Registers the kernels that make `name` train conv nets: a `Conv2DBackpropFilter` for wasm (missing in
 * tfjs 4.22), a fast `Conv2DBackpropInput` and transposed `BatchMatMul` for wasm, and a fast
 * `Conv2DBackpropFilter` for cpu. They are built from the backend's own forward Conv2D, Transpose,
 * Slice… kernels and replace the kernels the backend package registered on import, so call this after
 * importing the backend (`setupBackend` does). Other backends get no kernels.
 *
 * For every backend it also re-installs the cheaper batch-norm and mean gradients that importing
 * `@simclr/core` registers, in case a later import of tfjs put tfjs-core's own back. Safe to call more
 * than once.
 */
export function registerTrainingKernels(name: BackendName | string): void {
  if (typeof name !== 'string') {
    throw new SimclrError(
      `backend name must be a string such as 'wasm' or 'cpu', got ${describeValue(name)}`,
    );
  }
  registerGradientOverrides();
  const kernels = TRAINING_KERNELS[name];
  if (kernels === undefined) return;
  if (REQUIRED.some((kernelName) => tf.getKernel(kernelName, name) === undefined)) {
    throw new SimclrError(
      `registerTrainingKernels('${name}') needs the ${name} backend's own kernels: import ` +
        `'@tensorflow/tfjs-backend-${name}' before calling it`,
    );
  }
  for (const [kernelName, make] of kernels) {
    const current = tf.getKernel(kernelName, name);
    if (current !== undefined && ours.has(current.kernelFunc)) continue;
    if (current !== undefined) tf.unregisterKernel(kernelName, name);
    const kernelFunc = make(name, current);
    ours.add(kernelFunc);
    // The replaced kernel's setup (wasm binds its C function there) still runs if the backend is
    // initialised again, so a wrapped kernel can keep calling it.
    tf.registerKernel({
      kernelName,
      backendName: name,
      kernelFunc,
      setupFunc: current?.setupFunc,
      disposeFunc: current?.disposeFunc,
    });
  }
}

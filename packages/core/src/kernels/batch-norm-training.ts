import type { GradConfig, NamedAttrMap, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { SimclrError } from '../errors.js';
import { assertRank, assertShape, assertTensor } from '../validate.js';

/**
 * Kernel name of training-mode batch norm in one call: inputs `x` (channels last), `scale` and `offset`
 * (`[channels]`), attr `epsilon`; outputs `y`, and the batch's per-channel `mean` and biased `variance`.
 * No tfjs backend has it; a backend that registers it (as `@simclr/native` does for wasm) gets
 * {@link batchNormTraining} in two passes over the activations instead of the ~6 passes of
 * `moments` + `batchNorm`, and its gradient in two instead of ~12.
 */
export const BatchNormTraining = 'SimclrBatchNormTraining';

/**
 * Kernel name of the gradient of {@link BatchNormTraining}: inputs `dy`, `x`, `scale`, `mean`, `variance`,
 * `dmean`, `dvariance` (the gradients of the statistics outputs), attr `epsilon`; outputs `dx`, `dscale`,
 * `doffset`. A backend that registers {@link BatchNormTraining} must register this one too.
 */
export const BatchNormTrainingGrad = 'SimclrBatchNormTrainingGrad';

export interface BatchNormTrainingAttrs {
  epsilon: number;
}

/** Whether the active backend has the fused kernel, so that {@link batchNormTraining} uses it for `x`. */
function fused(x: Tensor): boolean {
  return (
    x.dtype === 'float32' &&
    tf.getKernel(BatchNormTraining, tf.getBackend()) !== undefined &&
    tf.getKernel(BatchNormTrainingGrad, tf.getBackend()) !== undefined
  );
}

/**
 * Batch norm with the statistics of the batch, as a training-mode batch-norm layer takes it: normalises
 * `x` over every axis but the last, `y = (x − mean)·scale/√(variance + ε) + offset`, and returns `y` with
 * the per-channel `mean` and biased `variance` it used (for the layer's moving averages). Gradients flow
 * to `x`, `scale` and `offset` through the statistics too.
 *
 * On a backend with the {@link BatchNormTraining} kernel it is one kernel call; elsewhere it is exactly
 * tfjs-layers' `moments` + `batchNorm`, so other backends give the numbers they always gave.
 */
export function batchNormTraining(
  x: Tensor,
  scale: Tensor1D,
  offset: Tensor1D,
  epsilon: number,
): [y: Tensor, mean: Tensor1D, variance: Tensor1D] {
  assertTensor(x, 'batchNormTraining: x');
  if (x.rank < 2) {
    throw new SimclrError(
      `batchNormTraining: x must have rank >= 2 (channels last), got shape [${x.shape.join(',')}]`,
    );
  }
  const channels = x.shape[x.rank - 1]!;
  assertRank(scale, 1, 'batchNormTraining: scale');
  assertShape(scale, [channels], 'batchNormTraining: scale');
  assertRank(offset, 1, 'batchNormTraining: offset');
  assertShape(offset, [channels], 'batchNormTraining: offset');
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new SimclrError(`batchNormTraining: epsilon must be a finite number > 0, got ${epsilon}`);
  }
  if (fused(x)) {
    const attrs: BatchNormTrainingAttrs = { epsilon };
    return tf
      .engine()
      .runKernel(BatchNormTraining, { x, scale, offset }, attrs as unknown as NamedAttrMap) as [
      Tensor,
      Tensor1D,
      Tensor1D,
    ];
  }
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const y = tf.batchNorm(x, mean as Tensor1D, variance as Tensor1D, offset, scale, epsilon);
  return [y, mean as Tensor1D, variance as Tensor1D];
}

/** The gradient of {@link BatchNormTraining}: one call of {@link BatchNormTrainingGrad}. */
export const batchNormTrainingGradConfig: GradConfig = {
  kernelName: BatchNormTraining,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dmean, dvariance] = dys as Tensor[];
    const [x, scale, mean, variance] = saved as Tensor[];
    const [dx, dscale, doffset] = tf.engine().runKernel(
      BatchNormTrainingGrad,
      {
        dy: dy!,
        x: x!,
        scale: scale!,
        mean: mean!,
        variance: variance!,
        dmean: dmean!,
        dvariance: dvariance!,
      },
      attrs as NamedAttrMap,
    ) as Tensor[];
    return { x: () => dx!, scale: () => dscale!, offset: () => doffset! };
  },
};

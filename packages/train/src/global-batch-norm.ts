import { SimclrError } from '@simclr/core';
import { batchNormLayers, type SimCLRModel, updateMovingStatistics } from '@simclr/models';
import * as tf from '@tensorflow/tfjs-core';
import type { Collective } from './collective.js';

/** Sum over replicas whose gradient is the sum over replicas too (each replica holds part of d loss / d sum). */
function allReduceOp(collective: Collective): (x: tf.Tensor) => tf.Tensor {
  const sum = (t: tf.Tensor) =>
    tf.tensor(collective.allReduceSum(t.dataSync() as Float32Array), t.shape, 'float32');
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: sum(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => sum(dy),
  })) as (x: tf.Tensor) => tf.Tensor;
}

/**
 * Makes every batch-norm layer of `model` normalise, in training mode, with the statistics of the global
 * batch: the per-channel sums of all replicas (the official code's `global_bn`, SyncBN in PyTorch). The
 * mean and variance are reduced across replicas in the forward pass and their gradients in the backward
 * pass, so one step equals the single-process step on the global batch. The moving statistics are updated
 * from the global ones, identically on every replica. Inference mode is unchanged.
 *
 * Every replica must call it, and all replicas' batches must be the same size. Returns the function that
 * restores the layers.
 */
export function useGlobalBatchNorm(model: SimCLRModel, collective: Collective): () => void {
  const layers = [...batchNormLayers(model.encoder), ...batchNormLayers(model.head)];
  const reduce = allReduceOp(collective);
  const restores = layers.map((layer) => {
    const original = layer.call;
    layer.call = function globalBatchNorm(inputs, kwargs) {
      if (kwargs['training'] !== true) return original.call(this, inputs, kwargs);
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const axis = layer.axis < 0 ? layer.axis + x.rank : layer.axis;
      if (axis !== x.rank - 1) {
        throw new SimclrError(
          `useGlobalBatchNorm: batch norm must normalise the last (channel) axis, got axis ${layer.axis} of a rank-${x.rank} input`,
        );
      }
      return tf.tidy(() => {
        const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
        const count = (x.size / x.shape[axis]!) * collective.size;
        const mean = tf.div(reduce(tf.sum(x, axes)), count);
        const variance = tf.div(reduce(tf.sum(tf.square(tf.sub(x, mean)), axes)), count);
        const normed = tf.batchNorm(
          x,
          mean as tf.Tensor1D,
          variance as tf.Tensor1D,
          layer.beta?.read() as tf.Tensor1D | undefined,
          layer.gamma?.read() as tf.Tensor1D | undefined,
          layer.epsilon,
        );
        updateMovingStatistics(layer, mean, variance, count);
        return normed;
      });
    };
    return () => {
      layer.call = original;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}

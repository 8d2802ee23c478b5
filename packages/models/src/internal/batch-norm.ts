import { batchNormTraining } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormLayers, updateMovingStatistics } from '../batch-norm-layers.js';

/** A batch-norm layer with PyTorch's defaults: momentum 0.1 (0.9 in Keras' convention), ε = 1e-5. */
export function batchNormLayer(name: string, gammaInitializer: 'ones' | 'zeros' = 'ones'): tfl.layers.Layer {
  return tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, gammaInitializer, name });
}

const fused = new WeakSet<object>();

/**
 * Makes the batch-norm layers of `model` normalise in training mode through `batchNormTraining` of
 * `@simclr/core`: one fused kernel forward and one backward where the backend has them (`@simclr/native`),
 * and the same `moments` + `batchNorm` as tfjs-layers elsewhere. The moving averages are updated as
 * tfjs-layers updates them. Inference mode, other axes and layers without scale or centre stay tfjs-layers'
 * own. Safe to call again on the same model.
 */
export function fuseBatchNorm(model: tfl.LayersModel): void {
  for (const layer of batchNormLayers(model)) {
    if (fused.has(layer)) continue;
    fused.add(layer);
    const original = layer.call;
    layer.call = function fusedBatchNorm(inputs, kwargs) {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const gamma = layer.gamma;
      const beta = layer.beta;
      const lastAxis = layer.axis === -1 || layer.axis === x.rank - 1;
      if (kwargs['training'] !== true || !lastAxis || gamma === null || beta === null || x.rank < 2) {
        return original.call(this, inputs, kwargs);
      }
      return tf.tidy(() => {
        const [y, mean, variance] = batchNormTraining(
          x,
          gamma.read() as tf.Tensor1D,
          beta.read() as tf.Tensor1D,
          layer.epsilon,
        );
        updateMovingStatistics(layer, mean, variance, x.size / x.shape[x.rank - 1]!);
        return y;
      });
    };
  }
}

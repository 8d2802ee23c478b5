import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * The fields of tfjs-layers' `BatchNormalization` that training-mode normalisation reads and writes, for
 * code that changes how a model's batch norm trains (fused kernels, global batch norm across workers).
 */
export interface BatchNormLayer {
  axis: number;
  epsilon: number;
  momentum: number;
  gamma: tfl.LayerVariable | null;
  beta: tfl.LayerVariable | null;
  movingMean: tfl.LayerVariable;
  movingVariance: tfl.LayerVariable;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

/** Every `BatchNormalization` layer of `model`, those of nested models included, in layer order. */
export function batchNormLayers(model: tfl.LayersModel): BatchNormLayer[] {
  return model.layers.flatMap((layer) => {
    if (layer.getClassName() === 'BatchNormalization') return [layer as unknown as BatchNormLayer];
    if (layer instanceof tfl.LayersModel) return batchNormLayers(layer);
    return [];
  });
}

/**
 * Moves the layer's moving statistics toward a batch's `mean` and `variance` as tfjs-layers does in
 * training mode: `moving − (moving − value)·(1 − momentum)`.
 */
export function updateMovingStatistics(layer: BatchNormLayer, mean: tf.Tensor, variance: tf.Tensor): void {
  tf.tidy(() => {
    for (const [variable, value] of [
      [layer.movingMean, mean],
      [layer.movingVariance, variance],
    ] as const) {
      const old = variable.read();
      variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - layer.momentum)));
    }
  });
}

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
 * Moves the layer's moving statistics toward a batch's `mean` and `variance` (the biased variance that
 * normalises the batch, over `count` values per channel): `moving − (moving − value)·(1 − momentum)`, with
 * the variance made unbiased first, `variance·count/(count − 1)`, as PyTorch's `running_var` is
 * (tfjs-layers and Keras keep the biased one). So a model trained here and exported to PyTorch holds the
 * statistics PyTorch would have. A `count` of 1 leaves the variance as it is.
 */
export function updateMovingStatistics(
  layer: BatchNormLayer,
  mean: tf.Tensor,
  variance: tf.Tensor,
  count: number,
): void {
  tf.tidy(() => {
    const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
    for (const [variable, value] of [
      [layer.movingMean, mean],
      [layer.movingVariance, unbiased],
    ] as const) {
      const old = variable.read();
      variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - layer.momentum)));
    }
  });
}

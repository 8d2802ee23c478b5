import * as tfl from '@tensorflow/tfjs-layers';

/** A small conv encoder (conv, batch norm, ReLU, twice, then global average pooling) with seeded weights. */
export function tinyEncoder(inputShape: [number, number, number], seed: number, width = 8): tfl.LayersModel {
  const input = tfl.input({ shape: inputShape });
  let x = input;
  for (const [i, filters] of [width, 2 * width].entries()) {
    x = tfl.layers
      .conv2d({
        filters,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        useBias: false,
        kernelInitializer: tfl.initializers.heNormal({ seed: seed + i }),
      })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  }
  const h = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: h });
}

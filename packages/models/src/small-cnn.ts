import { assertOptionsObject, describeValue, type Rng, SimclrError } from '@simclr/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormLayer, fuseBatchNorm } from './internal/batch-norm.js';
import { SeedSource } from './internal/initializers.js';
import { assertInputShape } from './internal/validate.js';

/** Options of {@link smallCnn}. */
export interface SmallCnnOptions {
  /** `[height, width, channels]` of the input images (1 or 3 channels). */
  inputShape: readonly [number, number, number];
  /** Channels of each stage; each stage halves the resolution. Default: `[16, 32, 64]`. */
  widths?: readonly number[];
  /** Seeds the initial weights. Default: `createRng(0)`. */
  rng?: Rng;
  /** Name of the returned model. Default: `'small_cnn'`. */
  name?: string;
}

/**
 * A small, fast convolutional encoder for demos and tests: per stage a 3×3 stride-2 convolution (no
 * bias), batch norm and ReLU, then global average pooling. Maps an `ImageBatch` to `[N, widths.at(-1)]`.
 *
 * @throws SimclrError for a bad input shape or widths.
 */
export function smallCnn(options: SmallCnnOptions): tfl.LayersModel {
  assertOptionsObject(options);
  const { inputShape, widths = [16, 32, 64], rng, name = 'small_cnn' } = options;
  assertInputShape(inputShape);
  if (!Array.isArray(widths) || widths.length === 0 || !widths.every((w) => Number.isInteger(w) && w >= 1)) {
    throw new SimclrError(
      `widths must be a non-empty array of positive integers, got ${describeValue(widths)}`,
    );
  }
  const seeds = new SeedSource(rng);
  const input = tfl.input({ shape: [...inputShape], name: 'images' });
  let x = input;
  widths.forEach((filters, i) => {
    const stage = `stage${i + 1}`;
    x = tfl.layers.zeroPadding2d({ padding: 1, name: `${stage}.pad` }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers
      .conv2d({
        filters,
        kernelSize: 3,
        strides: 2,
        useBias: false,
        kernelInitializer: seeds.conv(),
        name: `${stage}.conv`,
      })
      .apply(x) as tfl.SymbolicTensor;
    x = batchNormLayer(`${stage}.bn`).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reLU({ name: `${stage}.relu` }).apply(x) as tfl.SymbolicTensor;
  });
  const h = tfl.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: h, name });
  fuseBatchNorm(model);
  return model;
}

import { assertOptionsObject, describeValue, type Rng, SimclrError } from '@simclr/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormLayer, fuseBatchNorm } from './internal/batch-norm.js';
import { SeedSource } from './internal/initializers.js';
import { assertInputShape } from './internal/validate.js';

/** Options of {@link smallCnn}. */
export interface SmallCnnOptions {
  /** `[height, width, channels]` of the input images (1 or 3 channels). */
  inputShape: readonly [number, number, number];
  /** Channels of each stage. Default: `[16, 32, 64]`. */
  widths?: readonly number[];
  /**
   * Stride of each stage's convolution, 1 (keeps the resolution) or 2 (halves it, rounding up); one per
   * entry of `widths`. Default: 2 for every stage.
   */
  strides?: readonly number[];
  /**
   * How the last feature map becomes h: `'average'` (global average pooling, h has `widths.at(-1)`
   * entries) or `'flatten'` (every position kept, h has height × width × channels entries). Default 'average'.
   */
  pooling?: 'average' | 'flatten';
  /** Seeds the initial weights. Default: `createRng(0)`. */
  rng?: Rng;
  /** Name of the returned model. Default: `'small_cnn'`. */
  name?: string;
}

/**
 * A small, fast convolutional encoder: per stage a 3×3 convolution (no bias; stride 2 unless `strides`
 * says 1), batch norm and ReLU, then global average pooling. Maps an `ImageBatch` to `[N, widths.at(-1)]`.
 *
 * @throws SimclrError for a bad input shape or widths.
 */
export function smallCnn(options: SmallCnnOptions): tfl.LayersModel {
  assertOptionsObject(options);
  const { inputShape, widths = [16, 32, 64], pooling = 'average', rng, name = 'small_cnn' } = options;
  const strides = options.strides ?? (Array.isArray(widths) ? widths.map(() => 2) : []);
  assertInputShape(inputShape);
  if (!Array.isArray(widths) || widths.length === 0 || !widths.every((w) => Number.isInteger(w) && w >= 1)) {
    throw new SimclrError(
      `widths must be a non-empty array of positive integers, got ${describeValue(widths)}`,
    );
  }
  if (
    !Array.isArray(strides) ||
    strides.length !== widths.length ||
    !strides.every((st) => st === 1 || st === 2)
  ) {
    throw new SimclrError(
      `smallCnn: strides must hold 1 or 2 for each of the ${widths.length} stages, got ${describeValue(strides)}`,
    );
  }
  if (pooling !== 'average' && pooling !== 'flatten') {
    throw new SimclrError(`smallCnn: pooling must be 'average' or 'flatten', got ${describeValue(pooling)}`);
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
        strides: strides[i]!,
        useBias: false,
        kernelInitializer: seeds.conv(),
        name: `${stage}.conv`,
      })
      .apply(x) as tfl.SymbolicTensor;
    x = batchNormLayer(`${stage}.bn`).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reLU({ name: `${stage}.relu` }).apply(x) as tfl.SymbolicTensor;
  });
  const h = (
    pooling === 'average'
      ? tfl.layers.globalAveragePooling2d({ name: 'avgpool' })
      : tfl.layers.flatten({ name: 'flatten' })
  ).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: h, name });
  fuseBatchNorm(model);
  return model;
}

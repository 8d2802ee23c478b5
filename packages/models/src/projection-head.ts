import { assertBoolean, assertNumber, assertOptionsObject, type Rng } from '@simclr/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormLayer, fuseBatchNorm } from './internal/batch-norm.js';
import { SeedSource } from './internal/initializers.js';

/** Options of {@link projectionHead}. */
export interface ProjectionHeadOptions {
  /** Size of the representation h it takes (the encoder's output). */
  inputDim: number;
  /** Width of the hidden layers. Default: `inputDim`, as in the paper. */
  hiddenDim?: number;
  /** Size of the projection z the loss sees. Default: 128. */
  outputDim?: number;
  /** Number of linear layers: 2 is SimCLR's head, 3 SimCLRv2's, 1 a linear projection. Default: 2. */
  layers?: number;
  /** Batch norm after each hidden linear layer (which then has no bias: the norm's shift replaces it). Default: true. */
  batchNorm?: boolean;
  /** Seeds the initial weights. Default: `createRng(0)`. */
  rng?: Rng;
  /** Name of the returned model. Default: `'head'`. */
  name?: string;
}

/**
 * The projection head g of SimCLR: an MLP from h `[N, inputDim]` to z `[N, outputDim]`,
 * Linear → BN → ReLU repeated `layers − 1` times, then a final Linear (with bias, no BN, no ReLU).
 * `layers: 3` gives the deeper head of SimCLRv2. Layer names start with `head.` (`head.linear1`,
 * `head.bn1`, …) so they never collide with an encoder's when both are saved as one model.
 *
 * Weights are initialised like PyTorch's `nn.Linear` (uniform ±1/√fan_in), biases at 0.
 *
 * @throws SimclrError for non-positive-integer sizes or layer count.
 */
export function projectionHead(options: ProjectionHeadOptions): tfl.LayersModel {
  assertOptionsObject(options);
  const { inputDim, outputDim = 128, layers = 2, batchNorm = true, rng, name = 'head' } = options;
  assertNumber(inputDim, 'inputDim', { min: 1, integer: true });
  const hiddenDim = options.hiddenDim ?? inputDim;
  assertNumber(hiddenDim, 'hiddenDim', { min: 1, integer: true });
  assertNumber(outputDim, 'outputDim', { min: 1, integer: true });
  assertNumber(layers, 'layers', { min: 1, integer: true });
  assertBoolean(batchNorm, 'batchNorm');
  const seeds = new SeedSource(rng);
  const input = tfl.input({ shape: [inputDim], name: 'h' });
  let x = input;
  for (let i = 1; i < layers; i++) {
    x = tfl.layers
      .dense({
        units: hiddenDim,
        useBias: !batchNorm,
        kernelInitializer: seeds.dense(),
        name: `head.linear${i}`,
      })
      .apply(x) as tfl.SymbolicTensor;
    if (batchNorm) {
      x = batchNormLayer(`head.bn${i}`).apply(x) as tfl.SymbolicTensor;
    }
    x = tfl.layers.reLU({ name: `head.relu${i}` }).apply(x) as tfl.SymbolicTensor;
  }
  const z = tfl.layers
    .dense({ units: outputDim, kernelInitializer: seeds.dense(), name: `head.linear${layers}` })
    .apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: z, name });
  fuseBatchNorm(model);
  return model;
}

import {
  assertBoolean,
  assertNumber,
  assertOneOf,
  assertOptionsObject,
  describeValue,
  type Rng,
  SimclrError,
} from '@simclr/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormLayer, fuseBatchNorm } from './internal/batch-norm.js';
import { SeedSource } from './internal/initializers.js';
import { assertInputShape } from './internal/validate.js';

/** The ResNet depths of He et al. 2016, as in torchvision. */
export type ResNetDepth = 18 | 34 | 50 | 101 | 152;

/** Options of {@link resnet}. */
export interface ResNetOptions {
  /** Number of layers: 18 and 34 use basic blocks, 50, 101 and 152 bottleneck blocks. */
  depth: ResNetDepth;
  /** `[height, width, channels]` of the input images (1 or 3 channels). */
  inputShape: readonly [number, number, number];
  /**
   * `'imagenet'`: 7×7 stride-2 convolution and 3×3 stride-2 max-pool, for ImageNet-sized images.
   * `'cifar'`: one 3×3 stride-1 convolution and no max-pool, for 32×32 images (as in the SimCLR paper's
   * CIFAR-10 experiments). Default: `'imagenet'`.
   */
  stem?: 'imagenet' | 'cifar';
  /** Multiplies every channel count, the stem's included (SimCLR's ResNet-50 (2×), (4×)); 64 × it must be an integer. Default: 1. */
  widthMultiplier?: number;
  /** Initialise the last batch norm's scale of each residual block to 0, so each block starts as the identity (Goyal et al. 2017). Default: false. */
  zeroInitResidual?: boolean;
  /** Seeds the initial weights. Default: `createRng(0)`, so two builds with the same options are identical. */
  rng?: Rng;
  /** Name of the returned model. Default: `resnet<depth>`. */
  name?: string;
}

const DEPTHS: readonly ResNetDepth[] = [18, 34, 50, 101, 152];
const BLOCKS: Record<ResNetDepth, readonly number[]> = {
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
  50: [3, 4, 6, 3],
  101: [3, 4, 23, 3],
  152: [3, 8, 36, 3],
};

type Tensor = tfl.SymbolicTensor;

/** Builds layers named like torchvision's modules, so weights can be mapped across by name. */
class Builder {
  constructor(
    private readonly seeds: SeedSource,
    private readonly zeroInitResidual: boolean,
  ) {}

  /**
   * A bias-free convolution. Stride-2 convolutions pad explicitly by ⌊k/2⌋ on every side, as PyTorch
   * does; `'same'` padding would pad only the bottom and right for even inputs and shift every feature.
   */
  conv(x: Tensor, filters: number, kernelSize: number, strides: number, name: string): Tensor {
    const pad = Math.floor(kernelSize / 2);
    const input =
      strides > 1 && pad > 0
        ? (tfl.layers.zeroPadding2d({ padding: pad, name: `${name}.pad` }).apply(x) as Tensor)
        : x;
    return tfl.layers
      .conv2d({
        filters,
        kernelSize,
        strides,
        padding: strides > 1 ? 'valid' : 'same',
        useBias: false,
        kernelInitializer: this.seeds.conv(),
        name,
      })
      .apply(input) as Tensor;
  }

  bn(x: Tensor, name: string, zeroGamma = false): Tensor {
    return batchNormLayer(name, zeroGamma ? 'zeros' : 'ones').apply(x) as Tensor;
  }

  relu(x: Tensor, name: string): Tensor {
    return tfl.layers.reLU({ name }).apply(x) as Tensor;
  }

  shortcut(x: Tensor, filters: number, strides: number, name: string): Tensor {
    const inChannels = x.shape[3];
    if (strides === 1 && inChannels === filters) return x;
    return this.bn(this.conv(x, filters, 1, strides, `${name}.downsample.0`), `${name}.downsample.1`);
  }

  finish(x: Tensor, identity: Tensor, name: string): Tensor {
    const sum = tfl.layers.add({ name: `${name}.add` }).apply([x, identity]) as Tensor;
    return this.relu(sum, `${name}.relu`);
  }

  basic(x: Tensor, planes: number, strides: number, name: string): Tensor {
    const identity = this.shortcut(x, planes, strides, name);
    let y = this.relu(
      this.bn(this.conv(x, planes, 3, strides, `${name}.conv1`), `${name}.bn1`),
      `${name}.relu1`,
    );
    y = this.bn(this.conv(y, planes, 3, 1, `${name}.conv2`), `${name}.bn2`, this.zeroInitResidual);
    return this.finish(y, identity, name);
  }

  /** ResNet v1.5: the stride sits on the 3×3 convolution, not on the first 1×1. */
  bottleneck(x: Tensor, planes: number, strides: number, name: string): Tensor {
    const identity = this.shortcut(x, planes * 4, strides, name);
    let y = this.relu(this.bn(this.conv(x, planes, 1, 1, `${name}.conv1`), `${name}.bn1`), `${name}.relu1`);
    y = this.relu(this.bn(this.conv(y, planes, 3, strides, `${name}.conv2`), `${name}.bn2`), `${name}.relu2`);
    y = this.bn(this.conv(y, planes * 4, 1, 1, `${name}.conv3`), `${name}.bn3`, this.zeroInitResidual);
    return this.finish(y, identity, name);
  }
}

/**
 * A ResNet encoder (He et al. 2016) as torchvision builds it (v1.5: stride on the 3×3 convolution of
 * bottlenecks, convolutions without bias, batch norm after each), without the final `fc` layer: a
 * `tf.LayersModel` from an `ImageBatch` `[N, H, W, C]` to the global-average-pooled representation h,
 * `[N, 512·k]` for depths 18 and 34, `[N, 2048·k]` for 50 and up (k: `widthMultiplier`).
 *
 * Trainable parameters equal torchvision's `resnetXX()` without `fc`: 11,176,512 for ResNet-18,
 * 23,508,032 for ResNet-50. Layer names follow torchvision's module names (`layer3.1.bn2`), so a weight
 * is `layer3.1.bn2/gamma` where PyTorch has `layer3.1.bn2.weight`.
 *
 * @throws SimclrError for an unknown depth or stem, a bad input shape or width multiplier.
 */
export function resnet(options: ResNetOptions): tfl.LayersModel {
  assertOptionsObject(options);
  const {
    depth,
    inputShape,
    stem = 'imagenet',
    widthMultiplier = 1,
    zeroInitResidual = false,
    rng,
  } = options;
  assertOneOf(depth, DEPTHS, 'depth');
  assertInputShape(inputShape);
  assertOneOf(stem, ['imagenet', 'cifar'] as const, 'stem');
  assertNumber(widthMultiplier, 'widthMultiplier', { min: 0, exclusiveMin: true });
  if (!Number.isInteger(64 * widthMultiplier)) {
    throw new SimclrError(
      `widthMultiplier times 64 must be an integer channel count, got ${describeValue(widthMultiplier)}`,
    );
  }
  assertBoolean(zeroInitResidual, 'zeroInitResidual');
  const name = options.name ?? `resnet${depth}`;

  const b = new Builder(new SeedSource(rng), zeroInitResidual);
  const width = (c: number) => c * widthMultiplier;
  const input = tfl.input({ shape: [...inputShape], name: 'images' });
  let x: Tensor;
  if (stem === 'imagenet') {
    x = b.relu(b.bn(b.conv(input, width(64), 7, 2, 'conv1'), 'bn1'), 'relu');
    // Zero padding equals PyTorch's −∞ padding here: the inputs are post-ReLU, so ≥ 0.
    x = tfl.layers.zeroPadding2d({ padding: 1, name: 'maxpool.pad' }).apply(x) as Tensor;
    x = tfl.layers
      .maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'maxpool' })
      .apply(x) as Tensor;
  } else {
    x = b.relu(b.bn(b.conv(input, width(64), 3, 1, 'conv1'), 'bn1'), 'relu');
  }
  const bottleneck = depth >= 50;
  BLOCKS[depth].forEach((blocks, stage) => {
    const planes = width(64 * 2 ** stage);
    for (let i = 0; i < blocks; i++) {
      const strides = stage > 0 && i === 0 ? 2 : 1;
      const blockName = `layer${stage + 1}.${i}`;
      x = bottleneck ? b.bottleneck(x, planes, strides, blockName) : b.basic(x, planes, strides, blockName);
    }
  });
  const h = tfl.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as Tensor;
  const model = tfl.model({ inputs: input, outputs: h, name });
  fuseBatchNorm(model);
  return model;
}

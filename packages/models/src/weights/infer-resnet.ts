import { assertOneOf, describeValue, optionsObject, SimclrError } from '@simclr/core';
import type { ResNetDepth } from '../resnet.js';
import { type HeadShape, headShape, torchHead } from './internal/mapping-head.js';
import { splitStateDict, WEIGHT_LAYOUTS, type WeightLayout } from './internal/mapping-layout.js';
import { assertStateDict } from './internal/mapping-state-dict.js';
import type { StateDict } from './state-dict.js';

/** What {@link inferResNetOptions} reads from a state dict: the `resnet` and `projectionHead` options that build its model. */
export interface InferredResNetOptions {
  /** The layout the names were read in. */
  layout: WeightLayout;
  depth: ResNetDepth;
  /** `'imagenet'` for a 7×7 `conv1`, `'cifar'` for a 3×3 one (whether a max-pool followed is not in the weights). */
  stem: 'imagenet' | 'cifar';
  /**
   * SimCLR's width multiplier k: every convolution and batch norm k times as wide, the stem's included
   * (ResNet-50 (2×), (4×)); `conv1`'s output channels / 64. Not torchvision's `wide_resnet50_2`, which
   * `inferResNetOptions` refuses.
   */
  widthMultiplier: number;
  /** The image channels `conv1` takes (the last entry of `resnet`'s `inputShape`). */
  inputChannels: number;
  /** `projectionHead` options of the checkpoint's head, when it has one. */
  head?: HeadShape;
}

const DEPTH_OF_BLOCKS: readonly [ResNetDepth, boolean, string][] = [
  [18, false, '2,2,2,2'],
  [34, false, '3,4,6,3'],
  [50, true, '3,4,6,3'],
  [101, true, '3,4,23,3'],
  [152, true, '3,8,36,3'],
];

function fail(message: string): never {
  throw new SimclrError(message, { code: 'mismatch' });
}

/** The ResNet that a map of torchvision names to PyTorch shapes holds. @throws SimclrError (code 'mismatch'). */
export function resnetOfShapes(
  shapes: ReadonlyMap<string, readonly number[]>,
): Omit<InferredResNetOptions, 'layout' | 'head'> {
  const conv1 = shapes.get('conv1.weight');
  if (conv1 === undefined || conv1.length !== 4) {
    const some = [...shapes.keys()].slice(0, 3).join(', ');
    fail(
      `it has no 4-d conv1.weight, so it is no ResNet of torchvision's naming (its first keys: ${some || 'none'})`,
    );
  }
  const [stemWidth, inputChannels, kh, kw] = conv1 as [number, number, number, number];
  if (kh !== kw || (kh !== 7 && kh !== 3)) {
    fail(`its conv1 is ${kh}×${kw}; resnet's stems are 7×7 ('imagenet') and 3×3 ('cifar')`);
  }
  const stem = kh === 7 ? 'imagenet' : 'cifar';
  const bottleneck = shapes.has('layer1.0.conv3.weight');
  const blocks = [1, 2, 3, 4].map((s) => {
    let n = 0;
    while (shapes.has(`layer${s}.${n}.conv1.weight`)) n++;
    return n;
  });
  const depth = DEPTH_OF_BLOCKS.find(([, b, counts]) => b === bottleneck && counts === blocks.join(','))?.[0];
  if (depth === undefined) {
    fail(
      `its ${bottleneck ? 'bottleneck' : 'basic'} blocks per stage, [${blocks.join(',')}], are none of resnet's depths (18, 34: basic [2,2,2,2], [3,4,6,3]; 50, 101, 152: bottleneck [3,4,6,3], [3,4,23,3], [3,8,36,3])`,
    );
  }
  const k = stemWidth / 64;
  const inner = (s: number) => shapes.get(`layer${s}.0.conv1.weight`)?.[0] ?? 0;
  const conv2 = shapes.get('layer1.0.conv2.weight') ?? [];
  if (conv2[1] !== undefined && conv2[1] !== inner(1)) {
    fail(
      `its 3×3 convolutions are grouped (layer1.0.conv2.weight ${describeValue(conv2)} takes ${conv2[1]} of ${inner(1)} channels), as in torchvision's resnext models; resnet has no grouped convolutions`,
    );
  }
  const expected = [1, 2, 3, 4].map((s) => 64 * k * 2 ** (s - 1));
  const actual = [1, 2, 3, 4].map(inner);
  if (actual.some((w, i) => w !== expected[i])) {
    if (bottleneck && actual.every((w, i) => w === 2 * expected[i]!)) {
      fail(
        `it is torchvision's wide_resnet${depth}_2 (width_per_group=128): only the inner 3×3 of each bottleneck is twice as wide (layer1.0.conv1 ${actual[0]} channels after a ${stemWidth}-channel stem); resnet's widthMultiplier widens every layer, the stem's included, as SimCLR's ResNet-50 (2×), and cannot build it`,
      );
    }
    fail(
      `its stages' widths [${actual.join(',')}] do not follow its stem's ${stemWidth} channels ([${expected.join(',')}] for widthMultiplier ${k})`,
    );
  }
  const outputs = [1, 2, 3, 4].map(
    (s) => shapes.get(`layer${s}.0.${bottleneck ? 'conv3' : 'conv2'}.weight`)?.[0] ?? 0,
  );
  if (outputs.some((w, i) => w !== (bottleneck ? 4 : 1) * expected[i]!)) {
    fail(`its blocks' output widths [${outputs.join(',')}] do not follow its stem's ${stemWidth} channels`);
  }
  return { depth, stem, widthMultiplier: k, inputChannels };
}

/** `resnet({ depth: 50, stem: 'imagenet', widthMultiplier: 2 })`, for messages. */
export function formatResNetOptions(o: Omit<InferredResNetOptions, 'layout' | 'head'>): string {
  return `resnet({ depth: ${o.depth}, stem: '${o.stem}', widthMultiplier: ${o.widthMultiplier} }) with ${o.inputChannels}-channel images`;
}

/**
 * The `resnet` options (depth, stem, width multiplier, image channels) and, when the state dict has a
 * head, the `projectionHead` options that build a model `loadStateDict` can load it into:
 *
 * ```ts
 * const o = inferResNetOptions(stateDict);
 * const encoder = resnet({ depth: o.depth, stem: o.stem, widthMultiplier: o.widthMultiplier, inputShape: [32, 32, o.inputChannels] });
 * ```
 *
 * Names are read as in `loadStateDict` (`layout`, default `'auto'`). SimCLR's width multiplier (every
 * layer k times as wide) and torchvision's `wide_resnet50_2` (only the inner 3×3 of each bottleneck
 * twice as wide) are different networks; the latter, and ResNeXt, are refused.
 *
 * @throws SimclrError (code `'mismatch'`) when the state dict holds no ResNet that `resnet` builds.
 */
export function inferResNetOptions(
  stateDict: StateDict,
  options?: { layout?: WeightLayout | 'auto' },
): InferredResNetOptions {
  assertStateDict(stateDict, 'stateDict');
  const { layout = 'auto' } = optionsObject(options);
  assertOneOf(layout, ['auto', ...WEIGHT_LAYOUTS], 'layout');
  const split = splitStateDict(stateDict, layout);
  const shapes = new Map([...split.backbone].map(([name, e]) => [name, e.tensor.shape]));
  let encoder: Omit<InferredResNetOptions, 'layout' | 'head'>;
  try {
    encoder = resnetOfShapes(shapes);
  } catch (error) {
    if (!SimclrError.is(error)) throw error;
    throw new SimclrError(`inferResNetOptions: the state dict (layout ${split.layout}): ${error.message}`, {
      code: 'mismatch',
    });
  }
  const result: InferredResNetOptions = { layout: split.layout, ...encoder };
  if (split.head.size > 0) {
    const head = headShape(torchHead(split));
    if (typeof head === 'string') {
      throw new SimclrError(`inferResNetOptions: the state dict's head is no projectionHead: ${head}`, {
        code: 'mismatch',
      });
    }
    const hDim = (encoder.depth >= 50 ? 2048 : 512) * encoder.widthMultiplier;
    if (head.inputDim !== hDim) {
      throw new SimclrError(
        `inferResNetOptions: the state dict's head takes ${head.inputDim} features, its encoder gives ${hDim}`,
        { code: 'mismatch' },
      );
    }
    result.head = head;
  }
  return result;
}

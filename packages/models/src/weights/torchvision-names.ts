/**
 * The names of one weight on both sides: PyTorch's `<module>.<param>` (torchvision's ResNet:
 * `layer1.0.conv1.weight`, `layer1.0.bn1.running_mean`) and this package's tfjs-layers
 * `<layer>/<weight>` (`layer1.0.conv1/kernel`, `layer1.0.bn1/moving_mean`). The layers of `resnet`
 * carry torchvision's module names, so the module part is the same and only the last part changes:
 *
 * | PyTorch module       | PyTorch entry                                                   | tfjs weight                                          | values                        |
 * | -------------------- | --------------------------------------------------------------- | ---------------------------------------------------- | ----------------------------- |
 * | `nn.Conv2d`          | `weight` `[out, in, kh, kw]`, `bias`                            | `kernel` `[kh, kw, in, out]`, `bias`                 | transposed                    |
 * | `nn.Linear`          | `weight` `[out, in]`, `bias`                                    | `kernel` `[in, out]`, `bias`                         | transposed                    |
 * | `nn.BatchNorm1d/2d`  | `weight`, `bias`, `running_mean`, `running_var`                 | `gamma`, `beta`, `moving_mean`, `moving_variance`    | as they are                   |
 * | `nn.BatchNorm1d/2d`  | `num_batches_tracked` (int64)                                   | none                                                 | ignored when read, 0 written  |
 *
 * Which kind a module is follows from its entries: a batch norm has `running_mean` / `running_var` or a
 * rank-1 `weight`; a rank-4 `weight` is a convolution's and a rank-2 one a Linear's.
 */

/** The kinds of PyTorch module whose entries map to tfjs-layers weights. */
export type TorchModuleKind = 'conv' | 'linear' | 'batch-norm';

/** `layer1.0.conv1.weight` → `['layer1.0.conv1', 'weight']`. */
export function splitTorchKey(key: string): [module: string, param: string] {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? ['', key] : [key.slice(0, dot), key.slice(dot + 1)];
}

/** `layer1.0.conv1/kernel` → `['layer1.0.conv1', 'kernel']`. */
export function splitWeightName(name: string): [layer: string, weight: string] {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? ['', name] : [name.slice(0, slash), name.slice(slash + 1)];
}

/** The kind of a PyTorch module from the names and ranks of its entries, or undefined when none fits. */
export function torchModuleKind(params: ReadonlyMap<string, readonly number[]>): TorchModuleKind | undefined {
  const weightRank = params.get('weight')?.length;
  if (params.has('running_mean') || params.has('running_var') || weightRank === 1) return 'batch-norm';
  if (weightRank === 4) return 'conv';
  if (weightRank === 2) return 'linear';
  return undefined;
}

const BATCH_NORM_TO_WEIGHT: Readonly<Record<string, string>> = {
  weight: 'gamma',
  bias: 'beta',
  running_mean: 'moving_mean',
  running_var: 'moving_variance',
};

const WEIGHT_TO_BATCH_NORM: Readonly<Record<string, string>> = {
  gamma: 'weight',
  beta: 'bias',
  moving_mean: 'running_mean',
  moving_variance: 'running_var',
};

/**
 * The tfjs weight (`kernel`, `gamma`, …) of a PyTorch entry of a module of this kind; undefined for
 * entries that have none (`num_batches_tracked`) or that the kind does not have.
 */
export function weightOfTorchParam(kind: TorchModuleKind, param: string): string | undefined {
  if (kind === 'batch-norm') return BATCH_NORM_TO_WEIGHT[param];
  if (param === 'weight') return 'kernel';
  if (param === 'bias') return 'bias';
  return undefined;
}

/**
 * The PyTorch entry of a tfjs weight: `kernel` → `weight`, `gamma` → `weight`, `moving_variance` →
 * `running_var`, `bias` → `bias`; undefined for weights PyTorch's conv, Linear and batch norm do not
 * have (`depthwise_kernel`, …).
 */
export function torchParamOfWeight(weight: string): string | undefined {
  if (weight === 'kernel') return 'weight';
  if (weight === 'bias') return 'bias';
  return WEIGHT_TO_BATCH_NORM[weight];
}

/** A tfjs kernel's shape in PyTorch's layout: `[kh, kw, in, out]` → `[out, in, kh, kw]`, `[in, out]` → `[out, in]`. */
export function torchShapeOfKernel(shape: readonly number[]): number[] {
  if (shape.length === 4) return [shape[3]!, shape[2]!, shape[0]!, shape[1]!];
  if (shape.length === 2) return [shape[1]!, shape[0]!];
  return [...shape];
}

/** A PyTorch weight's shape in tfjs' layout: the inverse of {@link torchShapeOfKernel}. */
export function kernelShapeOfTorch(shape: readonly number[]): number[] {
  if (shape.length === 4) return [shape[2]!, shape[3]!, shape[1]!, shape[0]!];
  if (shape.length === 2) return [shape[1]!, shape[0]!];
  return [...shape];
}

/** Entries of torchvision's ResNet state dicts that an encoder without a classifier does not use. */
export const TORCHVISION_IGNORED_PREFIXES: readonly string[] = ['fc.'];

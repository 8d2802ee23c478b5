import { assertBoolean, optionsObject, SimclrError } from '@simclr/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SimCLRModel } from '../simclr-model.js';
import { lightlyHeadIndices, ourHeadGroups } from './head-names.js';
import { type TargetWeight, targetWeights } from './internal/mapping-target.js';
import { hwioToOihw, transpose2d } from './internal/mapping-values.js';
import { LIGHTLY_HEAD_PREFIX } from './lightly-names.js';
import type { StateDict, WeightTensor } from './state-dict.js';
import { splitWeightName, torchParamOfWeight, torchShapeOfKernel } from './torchvision-names.js';

/** Options of {@link exportStateDict}. */
export interface ExportStateDictOptions {
  /**
   * Write each batch norm's `num_batches_tracked` (an int64 scalar, 0: the count is not kept here), as
   * PyTorch's own state dicts have it. PyTorch's `load_state_dict` accepts the state dict without them
   * too (it fills them in when the state dict carries no version metadata), but tools that compare key
   * sets do not. Default: true.
   */
  numBatchesTracked?: boolean;
}

/** The PyTorch module name of every layer that has weights: the layer's own name, and lightly's indices for the head. */
function moduleNames(targets: readonly TargetWeight[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const t of targets) {
    const layer = splitWeightName(t.name)[0];
    if (!names.has(layer)) names.set(layer, layer);
  }
  const groups = ourHeadGroups(targets.filter((t) => t.head).map((t) => t.name));
  lightlyHeadIndices(groups).forEach((indices, g) => {
    names.set(groups[g]!.linear, `${LIGHTLY_HEAD_PREFIX}${indices.linear}`);
    const bn = groups[g]!.batchNorm;
    if (bn !== undefined) names.set(bn, `${LIGHTLY_HEAD_PREFIX}${indices.batchNorm}`);
  });
  return names;
}

/**
 * Layers in PyTorch's registration order: as built, except that a residual block's `downsample` comes
 * after its other layers (torchvision registers it last; `resnet` builds the shortcut first).
 */
function torchOrder(layers: readonly string[]): string[] {
  const blockOf = (layer: string) => /^(layer\d+\.\d+)\./.exec(layer)?.[1] ?? layer;
  const firstSeen = new Map<string, number>();
  layers.forEach((layer, i) => {
    const block = blockOf(layer);
    if (!firstSeen.has(block)) firstSeen.set(block, i);
  });
  const key = (layer: string, i: number) =>
    [firstSeen.get(blockOf(layer))!, /\.downsample\.\d+$/.test(layer) ? 1 : 0, i] as const;
  return layers
    .map((layer, i) => ({ layer, key: key(layer, i) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2])
    .map((x) => x.layer);
}

function exported(t: TargetWeight, weight: string): WeightTensor {
  const values = t.variable.read().dataSync() as Float32Array;
  if (weight !== 'kernel') return { dtype: 'float32', shape: [...t.shape], data: Float32Array.from(values) };
  const data = t.shape.length === 4 ? hwioToOihw(values, t.shape) : transpose2d(values, t.shape);
  return { dtype: 'float32', shape: torchShapeOfKernel(t.shape), data };
}

/**
 * The weights of a `SimCLRModel` or a `tf.LayersModel` as a PyTorch state dict, float32, ready for
 * `writeSafetensors`. The encoder's entries carry torchvision's names (`conv1.weight`,
 * `layer1.0.bn1.running_mean`, …; kernels as `[out, in, kh, kw]`), so that
 * `torchvision.models.resnet18().load_state_dict(sd, strict=False)` takes all of them and reports only
 * `fc.weight`, `fc.bias` missing and the head's keys unexpected. The head's entries are those of
 * lightly's `ProjectionHead` with the same blocks (`projection_head.layers.0.weight`, `…1.running_mean`,
 * `…3.weight`, `…3.bias` for the default two-layer head), which `loadStateDict` reads back. The
 * entries are in PyTorch's order and every weight of the model is written; the model is not changed.
 *
 * @throws SimclrError for a weight PyTorch's convolutions, Linear layers and batch norms do not have.
 */
export function exportStateDict(
  model: SimCLRModel | tfl.LayersModel,
  options?: ExportStateDictOptions,
): StateDict {
  const targets = targetWeights(model, 'model');
  const { numBatchesTracked = true } = optionsObject(options);
  assertBoolean(numBatchesTracked, 'numBatchesTracked');
  const modules = moduleNames(targets);
  const byLayer = new Map<string, TargetWeight[]>();
  for (const t of targets) {
    const layer = splitWeightName(t.name)[0];
    const list = byLayer.get(layer) ?? [];
    byLayer.set(layer, list);
    list.push(t);
  }
  const out: StateDict = new Map();
  for (const layer of torchOrder([...byLayer.keys()])) {
    const module = modules.get(layer)!;
    const weights = byLayer.get(layer)!;
    for (const t of weights) {
      const weight = splitWeightName(t.name)[1];
      const param = torchParamOfWeight(weight);
      if (param === undefined || (weight === 'kernel' && t.shape.length !== 4 && t.shape.length !== 2)) {
        throw new SimclrError(
          `exportStateDict: the model's weight '${t.name}' ${JSON.stringify(t.shape)} has no counterpart in PyTorch's Conv2d, Linear or BatchNorm`,
        );
      }
      out.set(`${module}.${param}`, exported(t, weight));
    }
    if (numBatchesTracked && weights.some((t) => t.name.endsWith('/moving_variance'))) {
      out.set(`${module}.num_batches_tracked`, { dtype: 'int64', shape: [], data: new BigInt64Array(1) });
    }
  }
  return out;
}

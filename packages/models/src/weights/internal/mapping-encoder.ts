import { lightlyBackboneKeyOfTorchvision } from '../lightly-names.js';
import { toFloat32 } from '../state-dict.js';
import {
  splitTorchKey,
  splitWeightName,
  torchModuleKind,
  torchParamOfWeight,
  torchShapeOfKernel,
  weightOfTorchParam,
} from '../torchvision-names.js';
import type { Entry, SplitStateDict } from './mapping-layout.js';
import { formatShape } from './mapping-mismatch.js';
import { assign, ignore, type Plan, unexpected } from './mapping-plan.js';
import type { TargetWeight } from './mapping-target.js';
import { oihwToHwio, transpose2d } from './mapping-values.js';

/** The shape a model weight has in PyTorch's layout (kernels transposed, the rest as they are). */
export function torchShapeOfTarget(target: TargetWeight): number[] {
  return splitWeightName(target.name)[1] === 'kernel' ? torchShapeOfKernel(target.shape) : [...target.shape];
}

/** The values of an entry in tfjs' layout for a weight of this kind. */
function converted(entry: Entry, weight: string): () => Float32Array {
  const { tensor } = entry;
  return () => {
    const values = toFloat32(tensor);
    if (weight !== 'kernel') return values;
    return tensor.shape.length === 4 ? oihwToHwio(values, tensor.shape) : transpose2d(values, tensor.shape);
  };
}

/** The key an encoder weight has in the state dict's layout (`backbone.4.0.conv1.weight` for lightly's numbered children). */
export function encoderKeyOf(name: string, split: SplitStateDict): string {
  const [layer, weight] = splitWeightName(name);
  const key = `${layer}.${torchParamOfWeight(weight) ?? weight}`;
  return (
    split.strippedPrefix +
    split.backbonePrefix +
    (split.sequentialBackbone ? lightlyBackboneKeyOfTorchvision(key) : key)
  );
}

/**
 * Plans the encoder: every backbone entry under torchvision's name goes to the weight of the same
 * module (`layer1.0.conv1.weight` → `layer1.0.conv1/kernel`, transposed), `num_batches_tracked` is
 * ignored, the rest is unexpected. Model weights no entry sets are counted as missing by the caller.
 */
export function planEncoder(split: SplitStateDict, targets: readonly TargetWeight[], plan: Plan): void {
  const byName = new Map(targets.map((t) => [t.name, t]));
  const modules = new Map<string, Map<string, Entry>>();
  for (const [name, entry] of split.backbone) {
    const [module, param] = splitTorchKey(name);
    const params = modules.get(module) ?? new Map();
    modules.set(module, params);
    params.set(param, entry);
  }
  for (const [module, params] of modules) {
    const kind = torchModuleKind(new Map([...params].map(([p, e]) => [p, e.tensor.shape])));
    for (const [param, entry] of params) {
      if (param === 'num_batches_tracked') {
        ignore(plan, entry.key);
        continue;
      }
      const weight = kind === undefined ? undefined : weightOfTorchParam(kind, param);
      const target = weight === undefined ? undefined : byName.get(`${module}/${weight}`);
      if (weight === undefined || target === undefined) {
        unexpected(plan, entry.key);
        continue;
      }
      const want = torchShapeOfTarget(target);
      if (formatShape(want) !== formatShape(entry.tensor.shape)) {
        const ours = weight === 'kernel' ? ` (${target.name} ${formatShape(target.shape)})` : '';
        plan.mismatches.wrongShape.push(
          `${entry.key}: ${formatShape(entry.tensor.shape)} in the checkpoint, ${formatShape(want)} in the model${ours}`,
        );
        plan.handled.add(entry.key);
        plan.covered.add(target.name);
        continue;
      }
      assign(plan, target, [entry.key], converted(entry, weight));
    }
  }
}

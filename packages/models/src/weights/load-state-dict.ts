import { assertBoolean, assertOneOf, optionsObject, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SimCLRModel } from '../simclr-model.js';
import { formatResNetOptions, resnetOfShapes } from './infer-resnet.js';
import { encoderKeyOf, planEncoder, torchShapeOfTarget } from './internal/mapping-encoder.js';
import { planHead } from './internal/mapping-head.js';
import {
  type SplitStateDict,
  splitStateDict,
  WEIGHT_LAYOUTS,
  type WeightLayout,
} from './internal/mapping-layout.js';
import { formatShape, mismatchError } from './internal/mapping-mismatch.js';
import { emptyPlan, ignore, type Plan } from './internal/mapping-plan.js';
import { assertStateDict } from './internal/mapping-state-dict.js';
import { type TargetWeight, targetWeights } from './internal/mapping-target.js';
import type { StateDict } from './state-dict.js';
import { splitWeightName, torchParamOfWeight } from './torchvision-names.js';

export type { WeightLayout } from './internal/mapping-layout.js';

/** Options of {@link loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * How the state dict names the encoder and the head: `'torchvision'` (`conv1.weight`, …; a head under
   * `projection_head.layers.<i>` as `exportStateDict` writes it), `'lightly'` (`backbone.…`,
   * `projection_head.layers.<i>`), `'solo-learn'` (`backbone.…`, `projector.<i>`), or `'auto'` to tell
   * from the keys. Default: `'auto'`.
   */
  layout?: WeightLayout | 'auto';
  /**
   * true: every model weight must be set and every entry used or known to be unused (`fc.*`,
   * `num_batches_tracked`, classifiers and momentum copies of the layout). false: weights without an
   * entry keep their values (listed in `missing`) and entries without a weight are listed in `ignored`.
   * Wrong shapes are refused either way. Default: true.
   */
  strict?: boolean;
}

/** What {@link loadStateDict} did. */
export interface LoadReport {
  /** The layout the names were read in. */
  layout: WeightLayout;
  /** State-dict keys whose values went into the model, in the state dict's order. */
  loaded: string[];
  /**
   * Keys read but not used: `fc.*`, every `num_batches_tracked`, classifiers and momentum copies, a part
   * the model does not have (the head, when loading into an encoder), and with `strict: false` any key
   * without a weight.
   */
  ignored: string[];
  /** Model weights no entry set, left as they were (only with `strict: false`). */
  missing: string[];
  /** Exact rewrites made on the way (a Linear bias folded into a moving mean) and caveats, one sentence each. */
  notes: string[];
}

function stateDictOrder(stateDict: StateDict, keys: Iterable<string>): string[] {
  const wanted = new Set(keys);
  return [...stateDict.keys()].filter((k) => wanted.has(k));
}

/** The torchvision names and PyTorch shapes of a model's encoder weights, for describing it. */
function encoderShapes(targets: readonly TargetWeight[]): Map<string, number[]> {
  return new Map(
    targets.map((t) => {
      const [layer, weight] = splitWeightName(t.name);
      return [`${layer}.${torchParamOfWeight(weight) ?? weight}`, torchShapeOfTarget(t)];
    }),
  );
}

/** What the checkpoint and the model are, when that explains a mismatch. */
function hints(split: SplitStateDict, encoder: readonly TargetWeight[]): string[] {
  if (split.backbone.size === 0 || encoder.length === 0) return [];
  let theirs: ReturnType<typeof resnetOfShapes>;
  try {
    theirs = resnetOfShapes(new Map([...split.backbone].map(([n, e]) => [n, e.tensor.shape])));
  } catch (error) {
    if (SimclrError.is(error)) return [`The checkpoint's encoder: ${error.message}.`];
    throw error;
  }
  try {
    const ours = resnetOfShapes(encoderShapes(encoder));
    const [a, b] = [formatResNetOptions(theirs), formatResNetOptions(ours)];
    return a === b ? [] : [`The checkpoint holds ${a}; the model is ${b}.`];
  } catch {
    return [`The checkpoint holds ${formatResNetOptions(theirs)}.`];
  }
}

function describeMissing(t: TargetWeight, split: SplitStateDict): string {
  return t.head
    ? `${t.name} ${formatShape(t.shape)}`
    : `${encoderKeyOf(t.name, split)} (${t.name} ${formatShape(t.shape)})`;
}

/**
 * Loads a PyTorch state dict (from `readSafetensors`, or `stateDictFrom(readTorchCheckpoint(…))`) into a
 * `SimCLRModel` or a `tf.LayersModel` built by `resnet` / `projectionHead` with the same architecture
 * (`inferResNetOptions` tells which). Convolution weights are transposed from `[out, in, kh, kw]` to
 * `[kh, kw, in, out]`, Linear weights from `[out, in]` to `[in, out]`, batch-norm `weight`, `bias`,
 * `running_mean` and `running_var` become `gamma`, `beta`, `moving_mean` and `moving_variance`, and
 * every dtype is read as float32. Head layers that differ from `projectionHead`'s in a way an exact
 * rewrite bridges are rewritten and said in `notes` (a Linear bias before a batch norm goes into the
 * moving mean; lightly's batch norm after the last Linear goes into that Linear, exact in inference).
 *
 * Everything is checked before anything is assigned: on a mismatch the model is left as it was.
 *
 * @throws SimclrError (code `'mismatch'`) listing the first missing, unexpected and wrong-shaped entries
 *   when the state dict does not fit; (code `'invalid-argument'`) for bad arguments.
 */
export function loadStateDict(
  target: tfl.LayersModel | SimCLRModel,
  stateDict: StateDict,
  options?: LoadStateDictOptions,
): LoadReport {
  const targets = targetWeights(target, 'target');
  assertStateDict(stateDict, 'stateDict');
  const { layout = 'auto', strict = true } = optionsObject(options);
  assertOneOf(layout, ['auto', ...WEIGHT_LAYOUTS], 'layout');
  assertBoolean(strict, 'strict');

  const split = splitStateDict(stateDict, layout);
  const encoder = targets.filter((t) => !t.head);
  const head = targets.filter((t) => t.head);
  const plan: Plan = emptyPlan();
  if (split.strippedPrefix !== '') {
    plan.notes.push(`every key starts with '${split.strippedPrefix}' (nn.DataParallel); read without it`);
  }
  for (const key of split.ignored) ignore(plan, key);
  if (encoder.length > 0) planEncoder(split, encoder, plan);
  else for (const e of split.backbone.values()) ignore(plan, e.key);
  if (head.length > 0) planHead(split, head, plan);
  else for (const e of split.head.values()) ignore(plan, e.key);

  const unexpected = [
    ...split.unexpected,
    ...plan.unexpected,
    ...[...split.backbone.values(), ...split.head.values()]
      .map((e) => e.key)
      .filter((k) => !plan.handled.has(k)),
  ];
  const uncovered = targets.filter((t) => !plan.covered.has(t.name));
  const m = plan.mismatches;
  if (strict) {
    m.unexpected.push(...unexpected.map((k) => `${k} ${formatShape(stateDict.get(k)!.shape)}`));
    m.missing.push(...uncovered.map((t) => describeMissing(t, split)));
  } else {
    plan.ignored.push(...unexpected);
  }
  if (m.missing.length + m.unexpected.length + m.wrongShape.length + m.structure.length > 0) {
    const how = layout === 'auto' ? `layout '${split.layout}', detected` : `layout '${split.layout}'`;
    throw mismatchError(`loadStateDict: the state dict (${how})`, m, hints(split, encoder));
  }

  const conv1 = split.backbone.get('conv1.weight');
  if (split.layout === 'solo-learn' && conv1?.tensor.shape[2] === 3 && encoder.length > 0) {
    plan.notes.push(
      "solo-learn's CIFAR conv1 pads by 2 (34×34 feature maps from 32×32 images); resnet's 'cifar' stem pads by 1, so h differs from solo-learn's for the same weights",
    );
  }

  const values = plan.assignments.map((a) => a.values());
  tf.tidy(() => {
    plan.assignments.forEach((a, i) => {
      a.target.variable.write(tf.tensor(values[i]!, a.target.shape, 'float32'));
    });
  });
  return {
    layout: split.layout,
    loaded: stateDictOrder(
      stateDict,
      plan.assignments.flatMap((a) => a.sources),
    ),
    ignored: stateDictOrder(stateDict, plan.ignored),
    missing: strict ? [] : uncovered.map((t) => t.name),
    notes: plan.notes,
  };
}

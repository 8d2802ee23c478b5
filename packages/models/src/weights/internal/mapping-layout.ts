import {
  isSequentialBackbone,
  LIGHTLY_BACKBONE_PREFIX,
  LIGHTLY_HEAD_PREFIX,
  LIGHTLY_IGNORED_PREFIXES,
  torchvisionKeyOfLightlyBackbone,
} from '../lightly-names.js';
import {
  SOLO_LEARN_BACKBONE_PREFIX,
  SOLO_LEARN_HEAD_PREFIX,
  SOLO_LEARN_IGNORED_PREFIXES,
} from '../solo-learn-names.js';
import type { WeightTensor } from '../state-dict.js';
import { TORCHVISION_IGNORED_PREFIXES } from '../torchvision-names.js';

/**
 * How a PyTorch state dict names the encoder and the head:
 *
 * - `'torchvision'`: torchvision's ResNet names at the top level (`conv1.weight`, `layer1.0.bn1.weight`;
 *   `fc.*` ignored), and a head, if any, under lightly's `projection_head.layers.<i>` (as
 *   `exportStateDict` writes it).
 * - `'lightly'`: the encoder under `backbone.` (numbered children of `nn.Sequential(*list(resnet.children())[:-1])`
 *   or torchvision's names), the head under `projection_head.layers.<i>`.
 * - `'solo-learn'`: the encoder under `backbone.` with torchvision's names, the head under `projector.<i>`;
 *   `classifier.*`, `momentum_*` and `predictor.*` ignored.
 */
export type WeightLayout = 'torchvision' | 'lightly' | 'solo-learn';

/** Every {@link WeightLayout}. */
export const WEIGHT_LAYOUTS: readonly WeightLayout[] = ['torchvision', 'lightly', 'solo-learn'];

/** A state-dict entry under the name it has in the file. */
export interface Entry {
  key: string;
  tensor: WeightTensor;
}

/** A state dict sorted into the encoder's entries, the head's and the rest. */
export interface SplitStateDict {
  layout: WeightLayout;
  /** The encoder's entries under torchvision's names (`layer1.0.conv1.weight`). */
  backbone: Map<string, Entry>;
  /** The head's entries under their `nn.Sequential` index (`0.weight`, `1.running_mean`). */
  head: Map<string, Entry>;
  /** The prefix of the head's entries in this layout (`projection_head.layers.`, `projector.`). */
  headPrefix: string;
  /** The prefix of the encoder's entries in this layout (`''` or `backbone.`). */
  backbonePrefix: string;
  /** Whether the encoder's entries are numbered children (lightly's `backbone.0.weight`). */
  sequentialBackbone: boolean;
  /** Keys of entries that belong to neither (a classifier, momentum copies), known to the layout. */
  ignored: string[];
  /** Keys the layout has no place for. */
  unexpected: string[];
  /** The prefix all keys had and that was taken off (`module.` of `nn.DataParallel`), or `''`. */
  strippedPrefix: string;
}

const DATA_PARALLEL_PREFIX = 'module.';

function startsWithAny(key: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => key.startsWith(p));
}

/** The layout of a state dict from its keys (after any `module.` prefix is taken off). */
export function detectLayout(keys: readonly string[]): WeightLayout {
  // torchvision's names at the top level (exportStateDict adds lightly's head to them).
  if (keys.includes('conv1.weight')) return 'torchvision';
  if (keys.some((k) => k.startsWith(SOLO_LEARN_HEAD_PREFIX))) return 'solo-learn';
  if (keys.some((k) => k.startsWith(LIGHTLY_HEAD_PREFIX))) return 'lightly';
  if (keys.some((k) => k.startsWith(LIGHTLY_BACKBONE_PREFIX))) {
    return isSequentialBackbone(keys) ? 'lightly' : 'solo-learn';
  }
  return 'torchvision';
}

/** Sorts the entries of `stateDict` by the part of the model they belong to, in `layout` or the detected one. */
export function splitStateDict(
  stateDict: ReadonlyMap<string, WeightTensor>,
  layout: WeightLayout | 'auto',
): SplitStateDict {
  const allKeys = [...stateDict.keys()];
  const strippedPrefix =
    allKeys.length > 0 && allKeys.every((k) => k.startsWith(DATA_PARALLEL_PREFIX))
      ? DATA_PARALLEL_PREFIX
      : '';
  const local = (key: string) => key.slice(strippedPrefix.length);
  const chosen = layout === 'auto' ? detectLayout(allKeys.map(local)) : layout;
  const headPrefix = chosen === 'solo-learn' ? SOLO_LEARN_HEAD_PREFIX : LIGHTLY_HEAD_PREFIX;
  const backbonePrefix =
    chosen === 'torchvision'
      ? ''
      : chosen === 'lightly'
        ? LIGHTLY_BACKBONE_PREFIX
        : SOLO_LEARN_BACKBONE_PREFIX;
  const ignoredPrefixes =
    chosen === 'torchvision'
      ? TORCHVISION_IGNORED_PREFIXES
      : chosen === 'lightly'
        ? LIGHTLY_IGNORED_PREFIXES
        : SOLO_LEARN_IGNORED_PREFIXES;
  const sequentialBackbone = chosen === 'lightly' && isSequentialBackbone(allKeys.map(local));

  const split: SplitStateDict = {
    layout: chosen,
    backbone: new Map(),
    head: new Map(),
    headPrefix,
    backbonePrefix,
    sequentialBackbone,
    ignored: [],
    unexpected: [],
    strippedPrefix,
  };
  for (const [key, tensor] of stateDict) {
    const name = local(key);
    const entry = { key, tensor };
    if (name.startsWith(headPrefix)) {
      split.head.set(name.slice(headPrefix.length), entry);
    } else if (startsWithAny(name, ignoredPrefixes)) {
      split.ignored.push(key);
    } else if (name.startsWith(backbonePrefix)) {
      let rest = name.slice(backbonePrefix.length);
      if (startsWithAny(rest, TORCHVISION_IGNORED_PREFIXES)) {
        split.ignored.push(key);
        continue;
      }
      if (sequentialBackbone) rest = torchvisionKeyOfLightlyBackbone(rest);
      split.backbone.set(rest, entry);
    } else {
      split.unexpected.push(key);
    }
  }
  return split;
}

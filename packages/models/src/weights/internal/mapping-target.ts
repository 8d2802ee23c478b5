import { describeValue, SimclrError } from '@simclr/core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { SimCLRModel } from '../../simclr-model.js';
import { HEAD_LAYER_PREFIX } from '../head-names.js';

/** One weight of the model that PyTorch entries are read into or written from. */
export interface TargetWeight {
  /** The tfjs-layers name, without the `_1` suffixes of repeated builds (`layer1.0.conv1/kernel`). */
  name: string;
  shape: number[];
  variable: tfl.LayerVariable;
  /** Whether it belongs to the projection head (`head.…`) rather than the encoder. */
  head: boolean;
}

/** Whether `value` is a `SimCLRModel` (by shape, so a second copy of this package's class counts too). */
function isSimCLRModel(value: unknown): value is SimCLRModel {
  if (value === null || typeof value !== 'object') return false;
  const { encoder, head } = value as { encoder?: unknown; head?: unknown };
  return encoder instanceof tfl.LayersModel && head instanceof tfl.LayersModel;
}

function collect(model: tfl.LayersModel, seen: Set<tfl.LayerVariable>, out: TargetWeight[]): void {
  for (const layer of model.layers) {
    if (layer instanceof tfl.LayersModel) {
      collect(layer, seen, out);
      continue;
    }
    for (const variable of layer.weights) {
      if (seen.has(variable)) continue;
      seen.add(variable);
      const name = variable.originalName;
      const shape = variable.shape as number[];
      out.push({ name, shape: [...shape], variable, head: name.startsWith(HEAD_LAYER_PREFIX) });
    }
  }
}

/**
 * The weights of a `SimCLRModel` (encoder, then head) or a `tf.LayersModel`, in layer order (nested
 * models included), each layer's trainable weights before its moving statistics.
 *
 * @throws SimclrError (code `'invalid-argument'`) for another value, or two weights with one name.
 */
export function targetWeights(target: unknown, argument: string): TargetWeight[] {
  const models = isSimCLRModel(target)
    ? [target.encoder, target.head]
    : target instanceof tfl.LayersModel
      ? [target]
      : undefined;
  if (models === undefined) {
    throw new SimclrError(
      `${argument} must be a SimCLRModel or a tf.LayersModel, got ${describeValue(target)}`,
    );
  }
  const seen = new Set<tfl.LayerVariable>();
  const out: TargetWeight[] = [];
  for (const model of models) collect(model, seen, out);
  const names = new Set<string>();
  for (const w of out) {
    if (names.has(w.name)) {
      throw new SimclrError(
        `${argument} has two weights named '${w.name}'; PyTorch names need every weight name once`,
      );
    }
    names.add(w.name);
  }
  return out;
}

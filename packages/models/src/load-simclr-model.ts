import { describeValue, SimclrError } from '@simclr/core';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { adoptSavedModel, type SimCLRMetadata, SimCLRModel } from './simclr-model.js';

function readMetadata(model: tfl.LayersModel): SimCLRMetadata['simclr'] {
  const meta = (model.getUserDefinedMetadata() as Partial<SimCLRMetadata> | undefined)?.simclr;
  if (meta?.format !== 1 || typeof meta.encoder !== 'string' || typeof meta.head !== 'string') {
    throw new SimclrError(
      `source must hold a model written by SimCLRModel.save (format 1), got user metadata ${describeValue(meta)}`,
    );
  }
  return meta;
}

/**
 * Loads a model written by `SimCLRModel.save`, from a tfjs IO handler or URL (`indexeddb://name`, an
 * `http(s)://…/model.json` URL, `fileSystem(dir)` from `@simclr/models/node`). The encoder and head come
 * back as separate `tf.LayersModel`s with the saved weights, batch-norm statistics included.
 *
 * @throws SimclrError when the source holds some other model.
 */
export async function loadSimCLRModel(source: string | tf.io.IOHandler): Promise<SimCLRModel> {
  const saved = await tfl.loadLayersModel(source);
  try {
    const meta = readMetadata(saved);
    const encoder = saved.getLayer(meta.encoder);
    const head = saved.getLayer(meta.head);
    if (!(encoder instanceof tfl.LayersModel) || !(head instanceof tfl.LayersModel)) {
      throw new SimclrError(
        `source must hold the encoder '${meta.encoder}' and head '${meta.head}' as nested models, got ${encoder.getClassName()} and ${head.getClassName()}`,
      );
    }
    const model = new SimCLRModel({ encoder, head });
    adoptSavedModel(model, saved);
    return model;
  } catch (error) {
    saved.dispose();
    throw error;
  }
}

import { describeValue, type ImageBatch, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * What maps an `ImageBatch` `[N, H, W, C]` to representations h `[N, D]`:
 * - a tfjs-layers model, e.g. `resnet()` or `smallCnn()` from `@simclr/models`, run in inference mode;
 * - an object holding one as `encoder`, e.g. a `SimCLRModel` (its projection head is not used: the
 *   paper evaluates h, not z);
 * - a function, which must return a new tensor and leave `images` alone. It is called inside `tf.tidy`.
 */
export type Encoder =
  | tfl.LayersModel
  | { readonly encoder: tfl.LayersModel }
  | ((images: ImageBatch) => tf.Tensor2D);

function isLayersModel(x: unknown): x is tfl.LayersModel {
  return x instanceof tfl.LayersModel;
}

/** The tfjs-layers model behind `encoder`, or null for a function. Throws for anything else. */
export function encoderModel(encoder: unknown, name = 'encoder'): tfl.LayersModel | null {
  if (isLayersModel(encoder)) return encoder;
  if (typeof encoder === 'function') return null;
  if (
    encoder !== null &&
    typeof encoder === 'object' &&
    isLayersModel((encoder as { encoder?: unknown }).encoder)
  ) {
    return (encoder as { encoder: tfl.LayersModel }).encoder;
  }
  throw new SimclrError(
    `${name} must be a tf.LayersModel, an object with an \`encoder\` LayersModel (a SimCLRModel) or a function from images to [N, D] features, got ${describeValue(encoder)}`,
  );
}

/** Applies `encoder` to `images` in inference mode and checks it returned one `[N, D]` row per image. */
export function encodeImages(encoder: Encoder, images: ImageBatch, name = 'encoder'): tf.Tensor2D {
  const model = encoderModel(encoder, name);
  const h = tf.tidy(() =>
    model === null
      ? (encoder as (x: ImageBatch) => tf.Tensor2D)(images)
      : (model.apply(images, { training: false }) as tf.Tensor),
  );
  if (!(h instanceof tf.Tensor) || h.rank !== 2 || h.shape[0] !== images.shape[0] || h.dtype !== 'float32') {
    const got =
      h instanceof tf.Tensor ? `a ${h.dtype} tensor of shape [${h.shape.join(',')}]` : describeValue(h);
    if (h instanceof tf.Tensor && h !== images) h.dispose();
    throw new SimclrError(
      `${name} must return float32 features [${images.shape[0]}, D] for a batch of ${images.shape[0]} images, got ${got}`,
    );
  }
  return h as tf.Tensor2D;
}

import { type ImageBatch, type Rng, SimclrError, setValueChecks, valueChecksEnabled } from '@simclr/core';
import {
  type AnchorRange,
  contrastiveAccuracy,
  marginTriplet,
  ntLogistic,
  ntXent,
  supCon,
} from '@simclr/losses';
import type { SimCLRModel } from '@simclr/models';
import * as tf from '@tensorflow/tfjs-core';
import type { Collective } from './collective.js';
import type { PretrainConfig } from './config.js';
import { contrastiveGradients, type PairLossFn } from './contrastive-step.js';
import type { ScheduledOptimizer } from './create-optimizer.js';
import { allGatherRows } from './gather-embeddings.js';
import { allReduceGradients, averageVariables } from './replica-sync.js';

/** A batched augmentation, e.g. `simclrAugment(...)` from `@simclr/augment`. */
export type AugmentFn = (images: ImageBatch, rng: Rng) => ImageBatch;

/**
 * A contrastive loss of your own for `pretrain`: the projections `z1`, `z2` `[N, D]` of the two views of
 * the batch's N images (row i of each from image i) and, when the dataset is labelled, the images' int32
 * labels `[N]`. It returns a scalar that the gradient tape can differentiate, e.g.
 * `(z1, z2) => ntXent(z1, z2, { temperature: 0.2 })`.
 */
export type ContrastiveLossFn = (
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  labels: tf.Tensor1D | undefined,
) => tf.Scalar;

/**
 * A pair loss over the anchors of images `anchors` (default all), as `ntXent`'s `anchors` option, with the
 * batch's labels for the losses that use them.
 */
export type AnchoredPairLossFn = (
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  anchors?: AnchorRange,
  labels?: tf.Tensor1D,
) => tf.Scalar;

/** Whether the named loss can run split over replicas (its terms restricted to a range of anchors). */
export function lossSupportsReplicas(name: PretrainConfig['loss']['name']): boolean {
  return name === 'nt-xent' || name === 'nt-logistic' || name === 'margin-triplet';
}

/**
 * The configured pair loss, NaN (instead of an error) on non-finite embeddings. `custom` is the loss for
 * `config.name === 'custom'`.
 */
export function lossFunction(config: PretrainConfig['loss'], custom?: ContrastiveLossFn): AnchoredPairLossFn {
  const wholeBatchOnly = (anchors?: AnchorRange) => {
    if (anchors !== undefined) {
      throw new SimclrError(`the '${config.name}' loss cannot be split over replicas`, {
        code: 'unavailable',
      });
    }
  };
  const loss: AnchoredPairLossFn = (() => {
    const range = (anchors?: AnchorRange) => (anchors === undefined ? {} : { anchors });
    switch (config.name) {
      case 'nt-xent':
        return (z1, z2, a) => ntXent(z1, z2, { temperature: config.temperature, ...range(a) });
      case 'nt-logistic':
        return (z1, z2, a) => ntLogistic(z1, z2, { temperature: config.temperature, ...range(a) });
      case 'margin-triplet':
        return (z1, z2, a) => marginTriplet(z1, z2, { margin: config.margin, ...range(a) });
      case 'sup-con':
        return (z1, z2, a, labels) => {
          wholeBatchOnly(a);
          if (labels === undefined) {
            throw new SimclrError("the 'sup-con' loss needs the batch's labels (a labelled dataset)", {
              code: 'invalid-argument',
            });
          }
          // Both views of an image share its label, so every anchor has at least its other view as a positive.
          return supCon(tf.concat([z1, z2]), tf.concat([labels, labels]), {
            temperature: config.temperature,
          });
        };
      case 'custom':
        if (custom === undefined) {
          throw new SimclrError("config.loss.name 'custom' needs a loss function (pretrain's `loss`)", {
            code: 'invalid-argument',
          });
        }
        return (z1, z2, a, labels) => {
          wholeBatchOnly(a);
          return custom(z1, z2, labels);
        };
    }
  })();
  // The losses reject non-finite embeddings with an error, but an error thrown while the gradient tape
  // records leaks the tensors it saved for the backward pass. A diverged model gets a NaN loss instead,
  // which the step reports without applying the update. With the value checks off (as in `pretrain`'s
  // steps) the losses do not look, and the NaN flows into the loss by itself.
  return (z1, z2, anchors, labels) => {
    const finite =
      !valueChecksEnabled() || tf.tidy(() => tf.all(tf.isFinite(tf.concat([z1, z2]))).dataSync()[0] === 1);
    return finite
      ? loss(z1, z2, anchors, labels)
      : (tf.mul(tf.add(tf.sum(z1), tf.sum(z2)), Number.NaN) as tf.Scalar);
  };
}

/** What one update works with; `collective` joins it to the other replicas of a data-parallel run. */
export interface UpdateContext {
  model: SimCLRModel;
  optimizer: ScheduledOptimizer;
  augment: AugmentFn;
  loss: AnchoredPairLossFn;
  chunkSize?: number | undefined;
  collective?: Collective | undefined;
  /**
   * Whether batch norm already normalises with the global batch's statistics (`useGlobalBatchNorm`);
   * otherwise each replica's moving statistics are averaged after the update. Default false.
   */
  globalBatchNorm?: boolean | undefined;
}

/** What one update gives back; `source` says where a non-finite loss came from. */
export interface StepOutcome {
  loss: number;
  accuracy: number;
  source?: string;
}

const hasNonFinite = (t: tf.Tensor) =>
  tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(t))).dataSync()[0] === 1);

/**
 * Where a non-finite loss came from, looked for in the order the step computes: the input images, the
 * augmented views, the weights (naming the first bad one), the embeddings. Undefined when all of them
 * are finite here (the loss itself overflowed, or, with replicas, another replica's part is bad).
 */
function nonFiniteSource(
  images: ImageBatch,
  views: readonly tf.Tensor[],
  model: UpdateContext['model'],
  embeddings: readonly tf.Tensor[],
): string | undefined {
  if (hasNonFinite(images)) return 'the input images hold NaN or infinite values';
  if (views.some(hasNonFinite)) return 'the augmentation produced NaN or infinite values from finite images';
  const weight = model.trainableWeights.find((w) => hasNonFinite(w));
  if (weight !== undefined)
    return `the model's weight ${weight.name} holds NaN or infinite values (an earlier update diverged)`;
  if (embeddings.some(hasNonFinite)) {
    return 'the embeddings overflowed although the weights are finite (activations too large: lower the learning rate)';
  }
  return undefined;
}

/**
 * One SimCLR update: two augmented views of `images`, the loss over all views (of every replica), the
 * gradients (summed over replicas), the optimizer step at rate `lr`. Nothing is applied when the loss is
 * not finite. Leaves the tensor count unchanged. `labels` go to the losses that use them.
 */
export async function contrastiveUpdate(
  ctx: UpdateContext,
  images: ImageBatch,
  lr: number,
  rng: Rng,
  labels?: tf.Tensor1D,
): Promise<StepOutcome> {
  const { model, optimizer, augment, collective } = ctx;
  const stateVariables = [...model.encoder.nonTrainableWeights, ...model.head.nonTrainableWeights].map(
    (w) => w.read() as tf.Variable,
  );
  // With replicas, each computes the loss terms of its own anchors over the gathered views of all
  // replicas; the terms of all replicas add up to the loss of the global batch (see `AnchorRange`).
  const anchorsOf = (z: tf.Tensor2D): AnchorRange | undefined =>
    collective === undefined
      ? undefined
      : { start: collective.rank * z.shape[0], end: (collective.rank + 1) * z.shape[0] };
  const gathered = (z: tf.Tensor2D) => (collective === undefined ? z : allGatherRows(z, collective));
  const loss: PairLossFn = (z1, z2) => ctx.loss(gathered(z1), gathered(z2), anchorsOf(z1), labels);
  optimizer.setLearningRate(lr);
  // The forward passes move the batch-norm statistics; a step whose loss is not finite puts them back,
  // so that nothing of it is applied. They are a few numbers per channel.
  const statistics = stateVariables.map((v) => tf.keep(tf.clone(v)));
  // Everything the step creates is freed when the scope ends, also when it throws part-way.
  tf.engine().startScope();
  // One read-back per step, of the loss and the accuracy together: the per-call value checks of the
  // augmentations and losses would each sync with the backend (a GPU round trip on webgl).
  const checks = setValueChecks(false);
  let r: ReturnType<typeof contrastiveGradients> | undefined;
  try {
    const view1 = augment(images, rng);
    const view2 = augment(images, rng);
    r = contrastiveGradients({
      embed: (x, training) => model.project(x, { training }),
      loss,
      view1,
      view2,
      variables: model.trainableWeights,
      stateVariables,
      ...(ctx.chunkSize !== undefined && { chunkSize: ctx.chunkSize }),
    });
    const anchors = anchorsOf(r.z1);
    const accuracyTensor = contrastiveAccuracy(gathered(r.z1), gathered(r.z2), anchors && { anchors });
    let values = (await tf.stack([r.loss, accuracyTensor]).data()) as Float32Array;
    if (collective !== undefined) values = collective.allReduceSum(values);
    const lossValue = values[0]!;
    // With replicas, every one has the same summed loss here, so all take this branch or none.
    if (!Number.isFinite(lossValue)) {
      stateVariables.forEach((v, i) => {
        v.assign(statistics[i]!);
      });
      const source = nonFiniteSource(images, [view1, view2], model, [r.z1, r.z2]);
      return { loss: lossValue, accuracy: Number.NaN, ...(source !== undefined && { source }) };
    }
    const accuracy = values[1]!;
    if (collective !== undefined) {
      r.grads = allReduceGradients(r.grads, collective);
      if (ctx.globalBatchNorm !== true) averageVariables(stateVariables, collective);
    }
    optimizer.applyGradients(r.grads);
    return { loss: lossValue, accuracy };
  } finally {
    // The step's results are kept tensors, which a scope does not free.
    setValueChecks(checks);
    if (r !== undefined) tf.dispose([r.loss, r.z1, r.z2, ...Object.values(r.grads)]);
    tf.engine().endScope();
    tf.dispose(statistics);
  }
}

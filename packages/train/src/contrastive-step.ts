import { assertNumber, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';

/** Maps a batch of views to embeddings z; `training` selects batch-norm's mode. */
export type EmbedFn = (views: tf.Tensor4D, training: boolean) => tf.Tensor2D;

/** A loss of the two views' embeddings, e.g. `ntXent`. */
export type PairLossFn = (z1: tf.Tensor2D, z2: tf.Tensor2D) => tf.Scalar;

/** Inputs of {@link contrastiveGradients}. */
export interface ContrastiveStepInput {
  embed: EmbedFn;
  loss: PairLossFn;
  view1: tf.Tensor4D;
  view2: tf.Tensor4D;
  /** The variables to differentiate (the model's trainable weights). */
  variables: tf.Variable[];
  /**
   * Variables the forward pass updates as a side effect in training mode (batch-norm moving statistics).
   * With chunking the forward pass runs twice; these are restored after the second pass so each step
   * updates them once. Default none.
   */
  stateVariables?: tf.Variable[];
  /** Batch-norm mode of the forward passes. Default true. */
  training?: boolean;
  /**
   * Images per chunk. Unset (default) runs the whole batch through one taped forward pass. Set, the step
   * computes every embedding without the tape, takes d loss / d z for the whole batch, then backpropagates
   * chunk by chunk ("gradient cache", Gao et al. 2021), so memory is bounded by one chunk's activations
   * while the loss still sees all 2N views as negatives. Batch norm then normalises per chunk.
   */
  chunkSize?: number;
}

/** What {@link contrastiveGradients} returns; the caller owns (and disposes) every tensor. */
export interface ContrastiveStepResult {
  loss: tf.Scalar;
  z1: tf.Tensor2D;
  z2: tf.Tensor2D;
  grads: tf.NamedTensorMap;
}

function checkViews(view1: tf.Tensor4D, view2: tf.Tensor4D): void {
  if (view1.rank !== 4 || view2.rank !== 4 || view1.shape.some((d, i) => d !== view2.shape[i])) {
    throw new SimclrError(
      `view1 and view2 must be rank-4 batches of the same shape, got [${view1.shape.join(',')}] and [${view2.shape.join(',')}]`,
    );
  }
}

function plainStep(input: ContrastiveStepInput, training: boolean): ContrastiveStepResult {
  const { embed, loss, view1, view2, variables } = input;
  let z1: tf.Tensor2D | undefined;
  let z2: tf.Tensor2D | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const a = embed(view1, training);
    const b = embed(view2, training);
    z1 = tf.keep(a);
    z2 = tf.keep(b);
    return loss(a, b);
  }, variables);
  return { loss: value, z1: z1!, z2: z2!, grads };
}

function chunkedStep(
  input: ContrastiveStepInput,
  training: boolean,
  chunkSize: number,
): ContrastiveStepResult {
  const { embed, loss, view1, view2, variables, stateVariables = [] } = input;
  const n = view1.shape[0];
  const starts: number[] = [];
  for (let s = 0; s < n; s += chunkSize) starts.push(s);
  const slice = (x: tf.Tensor4D, s: number) =>
    tf.slice(x, [s, 0, 0, 0], [Math.min(chunkSize, n - s), -1, -1, -1]);

  // Pass 1: every embedding, no tape. Its side effects (moving statistics) are the ones kept.
  const [z1, z2] = tf.tidy(() => {
    const embedAll = (x: tf.Tensor4D) =>
      tf.concat(starts.map((s) => embed(slice(x, s), training))) as tf.Tensor2D;
    return [embedAll(view1), embedAll(view2)];
  });
  const saved = stateVariables.map((v) => tf.clone(v));

  // d loss / d z for the whole batch.
  const { value, grads: dz } = tf.tidy(() => {
    const f = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor2D, b as tf.Tensor2D));
    const r = f([z1, z2]);
    return { value: r.value as tf.Scalar, grads: r.grads };
  });

  // Pass 2: per chunk, backpropagate <z_chunk, dz_chunk> into the variables and accumulate.
  const total: tf.NamedTensorMap = {};
  try {
    for (const [view, g] of [
      [view1, dz[0]!],
      [view2, dz[1]!],
    ] as const) {
      for (const s of starts) {
        const grads = tf.tidy(() => {
          const x = slice(view, s);
          const gChunk = tf.slice(g, [s, 0], [x.shape[0], -1]);
          return tf.variableGrads(() => tf.sum(tf.mul(embed(x, training), gChunk)), variables).grads;
        });
        for (const [name, t] of Object.entries(grads)) {
          const prev = total[name];
          if (prev === undefined) {
            total[name] = t;
          } else {
            total[name] = tf.add(prev, t);
            tf.dispose([prev, t]);
          }
        }
      }
    }
  } finally {
    stateVariables.forEach((v, i) => {
      v.assign(saved[i]!);
    });
    tf.dispose([...saved, ...dz]);
  }
  return { loss: value, z1, z2, grads: total };
}

/**
 * One contrastive step's loss and gradients with respect to `variables`, optionally in chunks of
 * `chunkSize` images (see {@link ContrastiveStepInput.chunkSize}). Applying the gradients is the
 * caller's: `optimizer.applyGradients(result.grads)`.
 */
export function contrastiveGradients(input: ContrastiveStepInput): ContrastiveStepResult {
  const { view1, view2, training = true, chunkSize } = input;
  checkViews(view1, view2);
  if (chunkSize === undefined || chunkSize >= view1.shape[0]) return plainStep(input, training);
  assertNumber(chunkSize, 'chunkSize', { min: 1, integer: true });
  return chunkedStep(input, training, chunkSize);
}

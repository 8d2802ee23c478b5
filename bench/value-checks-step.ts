/**
 * A training step with and without the library's per-call value checks, as `pretrain` took it before and
 * takes it now. Runs on any backend, in Node and in the browser (no Node imports).
 *
 * - `checked`: every library call checks its values (`simclrAugment` each view, `ntXent` and
 *   `contrastiveAccuracy` their embeddings: a read-back each), then the loss and the accuracy are read
 *   one after the other — 8 read-backs per step.
 * - `one read`: the checks off (`withValueChecks(false, …)`), the loss and accuracy stacked and read
 *   together — 1 read-back per step, `pretrain`'s step now.
 */
import { simclrAugment } from '@simclr/augment';
import { createRng, type ImageBatch, withValueChecks } from '@simclr/core';
import { contrastiveAccuracy, ntXent } from '@simclr/losses';
import { projectionHead, SimCLRModel, smallCnn } from '@simclr/models';
import { contrastiveGradients, lars } from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';

export type StepMode = 'checked' | 'one read';

export interface ValueCheckRates {
  backend: string;
  batch: number;
  /** Rounds of (one step of each mode), alternating, after one untimed round. */
  rounds: number;
  /** Median step time of each mode, milliseconds. */
  medianMs: Record<StepMode, number>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Times `rounds` steps of each mode on the active backend, alternating (checked, one read, checked, …)
 * so that a drifting machine load affects both alike: a small CNN [16,32,64] + projection head on a
 * fixed batch of `batch` random 32×32×3 images, SimCLR's augmentation at strength 0.5, NT-Xent τ 0.5,
 * LARS.
 */
export async function measureValueChecks(batch: number, rounds: number): Promise<ValueCheckRates> {
  const rng = createRng(0);
  const encoder = smallCnn({ inputShape: [32, 32, 3], rng });
  const model = new SimCLRModel({
    encoder,
    head: projectionHead({ inputDim: encoder.outputs[0]!.shape[1] as number, rng }),
  });
  const images = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1) as ImageBatch;
  const augment = simclrAugment({ size: 32, strength: 0.5, blur: false });
  const optimizer = lars({ learningRate: (0.3 * batch) / 256, momentum: 0.9, weightDecay: 1e-6 });
  const stateVariables = [...model.encoder.nonTrainableWeights, ...model.head.nonTrainableWeights].map(
    (w) => w.read() as tf.Variable,
  );
  const augmentRng = createRng(2);
  const step = async (mode: StepMode): Promise<number> => {
    const t0 = performance.now();
    tf.engine().startScope();
    try {
      await withValueChecks(mode === 'checked', async () => {
        const view1 = augment(images, augmentRng);
        const view2 = augment(images, augmentRng);
        const r = contrastiveGradients({
          embed: (x, training) => model.project(x, { training }),
          loss: (z1, z2) => ntXent(z1, z2, { temperature: 0.5 }),
          view1,
          view2,
          variables: model.trainableWeights,
          stateVariables,
        });
        const accuracy = contrastiveAccuracy(r.z1, r.z2);
        if (mode === 'checked') {
          await r.loss.data();
          await accuracy.data();
        } else {
          await tf.stack([r.loss, accuracy]).data();
        }
        optimizer.applyGradients(r.grads);
        tf.dispose([r.loss, r.z1, r.z2, ...Object.values(r.grads)]);
      });
      // The step is done when the update is: wait for the backend before stopping the clock.
      await model.trainableWeights[0]!.data();
    } finally {
      tf.engine().endScope();
    }
    return performance.now() - t0;
  };
  try {
    await step('checked');
    await step('one read');
    const times: Record<StepMode, number[]> = { checked: [], 'one read': [] };
    for (let i = 0; i < rounds; i++) {
      for (const mode of i % 2 === 0
        ? (['checked', 'one read'] as const)
        : (['one read', 'checked'] as const)) {
        times[mode].push(await step(mode));
      }
    }
    return {
      backend: tf.getBackend(),
      batch,
      rounds,
      medianMs: { checked: median(times.checked), 'one read': median(times['one read']) },
    };
  } finally {
    optimizer.dispose();
    images.dispose();
    model.dispose();
  }
}

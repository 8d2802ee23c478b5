/**
 * One SimCLR training step as `pretrain` of @simclr/train takes it: two augmented views of the batch
 * (simclrAugment at strength 0.5 without blur, SimCLR's CIFAR-10 setting), z = g(f(view)) for each,
 * NT-Xent, gradients (optionally through the gradient cache) and a LARS update.
 */
import { simclrAugment, twoViews } from '@simclr/augment';
import { createRng, type ImageBatch } from '@simclr/core';
import { ntXent } from '@simclr/losses';
import { projectionHead, resnet, SimCLRModel, smallCnn } from '@simclr/models';
import { contrastiveGradients, lars } from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';
import { AUGMENT_STRENGTH, IMAGE_SIZE, type ModelName, TEMPERATURE } from './cases.js';

const INPUT_SHAPE = [IMAGE_SIZE, IMAGE_SIZE, 3] as const;

/** The encoder `name` with SimCLR's 2-layer projection head (hidden = h's size, batch norm, 128 out). */
export function buildModel(name: ModelName): SimCLRModel {
  const rng = createRng(0);
  const encoder =
    name === 'small-cnn'
      ? smallCnn({ inputShape: INPUT_SHAPE, rng })
      : resnet({
          depth: 18,
          stem: 'cifar',
          widthMultiplier: name === 'resnet18' ? 1 : 0.25,
          inputShape: INPUT_SHAPE,
          rng,
        });
  const inputDim = encoder.outputs[0]!.shape[1] as number;
  return new SimCLRModel({ encoder, head: projectionHead({ inputDim, rng }) });
}

export interface TrainingStep {
  /** Takes one step; returns the milliseconds its augmentation took. */
  step(): number;
  /** Loss of the latest step. */
  lastLoss(): number;
  /** Trainable parameters of encoder + head. */
  params: number;
  dispose(): void;
}

/**
 * A training step on a fixed batch of `batch` seeded random images, `[batch, 32, 32, 3]` in [0, 1]
 * (random pixels cost the augmentation and the network what real ones do).
 */
export function createTrainingStep(model: ModelName, batch: number, chunk: number | null): TrainingStep {
  const simclr = buildModel(model);
  const images = tf.randomUniform([batch, ...INPUT_SHAPE], 0, 1, 'float32', 1) as ImageBatch;
  const augment = simclrAugment({ size: IMAGE_SIZE, strength: AUGMENT_STRENGTH, blur: false });
  const rng = createRng(2);
  // The paper's LARS learning rate for SimCLR: 0.3 × batch / 256.
  const optimizer = lars({ learningRate: (0.3 * batch) / 256, momentum: 0.9, weightDecay: 1e-6 });
  const variables = simclr.trainableWeights;
  const stateVariables = [...simclr.encoder.nonTrainableWeights, ...simclr.head.nonTrainableWeights].map(
    (w) => w.read() as tf.Variable,
  );
  let loss = Number.NaN;
  return {
    params: variables.reduce((sum, v) => sum + v.size, 0),
    step() {
      tf.engine().startScope();
      try {
        const t0 = performance.now();
        const [view1, view2] = twoViews(augment, images, rng);
        const augmentMs = performance.now() - t0;
        const r = contrastiveGradients({
          embed: (x, training) => simclr.project(x, { training }),
          loss: (z1, z2) => ntXent(z1, z2, { temperature: TEMPERATURE }),
          view1,
          view2,
          variables,
          stateVariables,
          ...(chunk !== null && { chunkSize: chunk }),
        });
        optimizer.applyGradients(r.grads);
        loss = r.loss.dataSync()[0]!;
        // The scope does not free z1 and z2: contrastiveGradients keeps them for the caller.
        tf.dispose([r.loss, r.z1, r.z2, ...Object.values(r.grads)]);
        return augmentMs;
      } finally {
        tf.engine().endScope();
      }
    },
    lastLoss: () => loss,
    dispose() {
      optimizer.dispose();
      images.dispose();
      simclr.dispose();
    },
  };
}

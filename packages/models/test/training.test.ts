import { ntXent } from '@simclr/losses';
import { projectionHead, SimCLRModel, smallCnn } from '@simclr/models';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';

describeBackends('SimCLRModel training with NT-Xent', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  const curves: number[][] = [];
  afterAll(() => {
    console.info(`NT-Xent over 5 steps [${backend}]: ${curves[0]?.map((l) => l.toFixed(4)).join(' → ')}`);
  });

  it('5 steps of a small CNN: the loss falls and no tensor leaks', () => {
    const model = new SimCLRModel({
      encoder: smallCnn({ inputShape: [16, 16, 3], widths: [8, 16] }),
      head: projectionHead({ inputDim: 16, outputDim: 16 }),
    });
    const optimizer = tf.train.adam(0.01);
    // Two views of 16 images: the image and its mirror image with a little noise.
    const [view1, view2] = tf.tidy(() => {
      const x = tf.randomUniform([16, 16, 16, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
      const noise = tf.randomNormal([16, 16, 16, 3], 0, 0.05, 'float32', 12);
      return [x, tf.clipByValue(tf.add(tf.image.flipLeftRight(x), noise), 0, 1)] as tf.Tensor4D[];
    });
    const losses: number[] = [];
    const tensorsAfterStep: number[] = [];
    for (let step = 0; step < 5; step++) {
      const loss = optimizer.minimize(
        () => {
          const z1 = model.project(view1!, { training: true });
          const z2 = model.project(view2!, { training: true });
          return ntXent(z1, z2, { temperature: 0.5 });
        },
        true,
        model.trainableWeights,
      )!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
      tensorsAfterStep.push(tf.memory().numTensors);
    }
    curves.push(losses);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[4]!).toBeLessThan(losses[0]! - 0.05);
    // Adam creates its moment variables in the first step; after that a step allocates nothing that stays.
    expect(new Set(tensorsAfterStep.slice(1)).size).toBe(1);
    tf.dispose([view1!, view2!]);
    optimizer.dispose();
    model.dispose();
  });
});

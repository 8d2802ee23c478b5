import { join } from 'node:path';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { loadSplit } from '../src/fashion-mnist.js';
import { runMixIn } from '../src/mix-in.js';

const DATA = join(import.meta.dirname, '..', '..', 'quickstart', 'data');

describeBackends('mix-in example', ['wasm'], () => {
  it('SupCon pretraining of a plain tfjs-layers CNN, then a linear head: the loss falls, accuracy beats chance', async () => {
    const train = await loadSplit(DATA, 'train', 512);
    const test = await loadSplit(DATA, 't10k', 300);
    const { contrastiveLosses, testAccuracy } = await runMixIn({
      train,
      test,
      contrastiveEpochs: 2,
      classifierEpochs: 10,
      batchSize: 64,
      seed: 1,
    });
    tf.dispose([train.images, train.labels, test.images, test.labels]);
    expect(contrastiveLosses[1]!).toBeLessThan(contrastiveLosses[0]!);
    // 10 balanced classes: chance is 10%. model.fit shuffles with Math.random, so the margin is wide.
    expect(testAccuracy).toBeGreaterThan(0.3);
  });
});

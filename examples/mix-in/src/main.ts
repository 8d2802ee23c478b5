import { join } from 'node:path';
import { setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { loadSplit } from './fashion-mnist.js';
import { runMixIn } from './mix-in.js';

const DATA = join(import.meta.dirname, '..', '..', 'quickstart', 'data');

const backend = await setupBackend('auto');
console.log(`backend: ${backend.name}`);
const train = await loadSplit(DATA, 'train', 4000);
const test = await loadSplit(DATA, 't10k', 2000);
const started = performance.now();
const { testAccuracy } = await runMixIn({
  train,
  test,
  contrastiveEpochs: 3,
  classifierEpochs: 5,
  batchSize: 128,
  seed: 0,
  log: console.log,
});
console.log(
  `done in ${((performance.now() - started) / 1000).toFixed(0)} s; test accuracy ${(100 * testAccuracy).toFixed(1)}%`,
);
tf.dispose([train.images, train.labels, test.images, test.labels]);

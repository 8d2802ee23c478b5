import { createRng, SimclrError } from '@simclr/core';
import { syntheticShapes } from '@simclr/data';
import { LINEAR_PROBE_DEFAULTS, type LinearProbeOptions, linearProbeMonitor } from '@simclr/eval';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { clusteredRows, featureDataset, flatten } from './helpers/feature-dataset.js';
import { ReferenceProbe } from './helpers/probe-reference.js';
import { tinyEncoder } from './helpers/tiny-encoder.js';

/** Every weight of the model (batch-norm statistics included) as host arrays. */
function snapshot(model: { weights: { read(): tf.Tensor }[] }): Float32Array[] {
  return model.weights.map((w) => w.read().dataSync() as Float32Array).map((a) => Float32Array.from(a));
}

describeBackends('linearProbeMonitor', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  // float32 against float64; webgl and webgpu run float32 with less exact transcendental functions.
  const lossTolerance = backend === 'cpu' || backend === 'wasm' ? 1e-5 : 2e-3;

  it.each<[string, Required<Omit<LinearProbeOptions, 'rng'>>]>([
    [
      'momentum, weight decay, standardised',
      {
        learningRate: 0.1,
        momentum: 0.9,
        weightDecay: 1e-3,
        passes: 2,
        headBatchSize: 32,
        standardize: true,
      },
    ],
    [
      'plain SGD on raw features',
      {
        learningRate: 0.5,
        momentum: 0,
        weightDecay: 0,
        passes: 3,
        headBatchSize: 40,
        standardize: false,
      },
    ],
  ])('trains its head as SGD written out in float64 does (%s)', async (_, settings) => {
    const classes = 4;
    const trainRows = clusteredRows(150, { dim: 6, classes, spread: 0.2, seed: 1 });
    const testRows = clusteredRows(60, { dim: 6, classes, spread: 0.2, seed: 2 });
    const train = await featureDataset(trainRows, classes);
    const test = await featureDataset(testRows, classes);
    const monitor = linearProbeMonitor({ encoder: flatten, train, test, ...settings, rng: createRng(5) });
    const reference = new ReferenceProbe(6, classes, { ...settings, rng: createRng(5) });
    try {
      for (let epoch = 0; epoch < 3; epoch++) {
        const reading = await monitor(epoch);
        const want = reference.update(trainRows, testRows);
        expect(reading?.epoch).toBe(epoch);
        expect(Math.abs(reading!.loss - want.loss)).toBeLessThanOrEqual(
          lossTolerance * Math.max(1, want.loss),
        );
        // A row on the decision boundary may go either way between float32 and float64.
        expect(Math.abs(reading!.top1 - want.top1)).toBeLessThanOrEqual(1 / 60);
        expect(Math.abs(reading!.top5 - want.top5)).toBeLessThanOrEqual(1 / 60);
        expect(Math.abs(reading!.trainTop1 - want.trainTop1)).toBeLessThanOrEqual(1 / 150);
      }
    } finally {
      monitor.dispose();
    }
  });

  it('separates separable classes fully and stays near chance on shuffled labels', async () => {
    const classes = 5;
    const trainRows = clusteredRows(200, { dim: 8, classes, spread: 0.03, seed: 1 });
    const testRows = clusteredRows(200, { dim: 8, classes, spread: 0.03, seed: 2 });
    const separable = linearProbeMonitor({
      encoder: flatten,
      train: await featureDataset(trainRows, classes),
      test: await featureDataset(testRows, classes),
    });
    const shuffle = (labels: Int32Array, seed: number) =>
      Int32Array.from(createRng(seed).shuffle([...labels]));
    const shuffled = linearProbeMonitor({
      encoder: flatten,
      train: await featureDataset({ ...trainRows, labels: shuffle(trainRows.labels, 8) }, classes),
      test: await featureDataset({ ...testRows, labels: shuffle(testRows.labels, 9) }, classes),
    });
    try {
      const clean = await separable(0);
      expect(clean).toMatchObject({ epoch: 0, top1: 1, top5: 1, trainTop1: 1 });
      for (let epoch = 0; epoch < 3; epoch++) {
        const noise = await shuffled(epoch);
        // Chance is 1/5; 200 test rows put 3 standard deviations at ±0.085.
        expect(Math.abs(noise!.top1 - 0.2)).toBeLessThan(0.085);
      }
    } finally {
      separable.dispose();
      shuffled.dispose();
    }
  });

  it('never changes the encoder: its weights and batch-norm statistics stay bit-identical', async () => {
    const train = await syntheticShapes({ size: 40, imageSize: 16, channels: 1, seed: 1 });
    const test = await syntheticShapes({ size: 20, imageSize: 16, channels: 1, seed: 2 });
    const encoder = tinyEncoder([16, 16, 1], 2);
    const monitor = linearProbeMonitor({ encoder, train, test, headBatchSize: 8, weightDecay: 1e-2 });
    try {
      const before = snapshot(encoder);
      expect(before.length).toBeGreaterThan(encoder.trainableWeights.length);
      await monitor(0);
      await monitor(1);
      expect(snapshot(encoder)).toEqual(before);
    } finally {
      monitor.dispose();
      encoder.dispose();
    }
  });

  it('warm-starts: two evaluations of one pass end where one evaluation of two passes does', async () => {
    const train = await syntheticShapes({ size: 48, imageSize: 16, channels: 1, seed: 1 });
    const test = await syntheticShapes({ size: 30, imageSize: 16, channels: 1, seed: 2 });
    const encoder = tinyEncoder([16, 16, 1], 3);
    const stepwise = linearProbeMonitor({
      encoder,
      train,
      test,
      passes: 1,
      headBatchSize: 16,
      rng: createRng(4),
    });
    const atOnce = linearProbeMonitor({
      encoder,
      train,
      test,
      passes: 2,
      headBatchSize: 16,
      rng: createRng(4),
    });
    try {
      const first = await stepwise(0);
      const second = await stepwise(1);
      const whole = await atOnce(1);
      expect(second).toEqual(whole);
      expect(second!.loss).toBeLessThan(first!.loss);
    } finally {
      stepwise.dispose();
      atOnce.dispose();
      encoder.dispose();
    }
  });

  it('evaluates after every `every`-th epoch, holds only its head between them and frees it on dispose', async () => {
    const train = await syntheticShapes({ size: 30, imageSize: 16, channels: 1, seed: 1 });
    const encoder = tinyEncoder([16, 16, 1], 2);
    const start = tf.memory().numTensors;
    const monitor = linearProbeMonitor({ encoder, train, test: train, every: 2 });
    const plain = linearProbeMonitor({ encoder, train, test: train, momentum: 0 });
    try {
      expect(await monitor(0)).toBeUndefined();
      expect(tf.memory().numTensors).toBe(start);
      expect((await monitor(1))?.epoch).toBe(1);
      // Weights and bias, and their momentum velocities.
      expect(tf.memory().numTensors).toBe(start + 4);
      expect(await monitor(2)).toBeUndefined();
      await plain(0);
      expect(tf.memory().numTensors).toBe(start + 6);
      monitor.dispose();
      plain.dispose();
      expect(tf.memory().numTensors).toBe(start);
      await expect(monitor(3)).rejects.toThrow(/^the linear probe was disposed/);
      expect(await monitor(4)).toBeUndefined();
    } finally {
      monitor.dispose();
      plain.dispose();
      encoder.dispose();
    }
  });

  it('rejects bad options when it is created, naming them', async () => {
    const train = await syntheticShapes({ size: 30, imageSize: 16, channels: 1 });
    const unlabelled = { ...train, numClasses: undefined };
    const encoder = tinyEncoder([16, 16, 1], 2);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ learningRate: 0 }, /^learningRate must be a finite number > 0, got 0/],
      [{ learningRate: Number.NaN }, /^learningRate must be/],
      [{ momentum: 1 }, /^momentum must be a finite number >= 0 and < 1, got 1/],
      [{ momentum: -0.1 }, /^momentum must be/],
      [{ weightDecay: -1 }, /^weightDecay must be a finite number >= 0, got -1/],
      [{ passes: 0 }, /^passes must be an integer >= 1, got 0/],
      [{ passes: 1.5 }, /^passes must be an integer/],
      [{ headBatchSize: 0 }, /^headBatchSize must be an integer >= 1, got 0/],
      [{ standardize: 'yes' }, /^standardize must be true or false, got/],
      [{ rng: 7 }, /^rng must be an Rng \(createRng\(seed\) from @simclr\/core\), got/],
      [{ every: 0 }, /^every must be an integer >= 1, got 0/],
      [{ batchSize: -1 }, /^batchSize must be an integer >= 1, got -1/],
      [{ encoder: 3 }, /^encoder must be/],
      [{ train: unlabelled }, /^train must have labels \(numClasses is unset\)/],
      [{ test: {} }, /^test must be a Dataset from @simclr\/data, got/],
    ];
    try {
      for (const [bad, message] of cases) {
        const create = () => linearProbeMonitor({ encoder, train, test: train, ...bad } as never);
        expect(create, JSON.stringify(bad)).toThrow(SimclrError);
        expect(create, JSON.stringify(bad)).toThrow(message);
      }
      expect(() => linearProbeMonitor(null as never)).toThrow(/^options must be an options object/);
      const monitor = linearProbeMonitor({ encoder, train, test: train });
      await expect(monitor(-1)).rejects.toThrow(/^epoch must be an integer >= 0, got -1/);
      monitor.dispose();
      expect(LINEAR_PROBE_DEFAULTS).toEqual({
        learningRate: 0.1,
        momentum: 0.9,
        weightDecay: 0,
        passes: 5,
        headBatchSize: 256,
        standardize: true,
      });
    } finally {
      encoder.dispose();
    }
  });
});

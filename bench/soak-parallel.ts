/**
 * A long data-parallel run that looks for leaks (not a test: it takes minutes). `pretrainParallel` with
 * 2 workers (or `--workers N`) trains the small CNN for `--steps` steps (default 2000) on seeded random
 * 32×32 images; every 100 steps it samples each worker's tensor count, wasm heap and JavaScript heap, and
 * the process's RSS. It prints the samples and each series' least-squares slope per 1000 steps over the
 * samples after the first (warm-up); flat series have slopes near 0.
 *
 *   cd bench && npx tsx --conditions=source soak-parallel.ts [--steps 2000] [--workers 2] [--batch 64]
 */
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { setupBackend } from '@simclr/core';
import { fromTensors } from '@simclr/data';
import type { ReplicaMemory } from '@simclr/train';
import { pretrainParallel } from '@simclr/train/node';
import * as tf from '@tensorflow/tfjs-core';
import { AUGMENT_STRENGTH, IMAGE_SIZE, TEMPERATURE } from './cases.js';
import { buildModel } from './simclr-step.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '2' },
    batch: { type: 'string', default: '64' },
  },
});
const steps = Number(values.steps);
const workers = Number(values.workers);
const batch = Number(values.batch);
const EVERY = 100;
const STEPS_PER_EPOCH = 100;

await setupBackend('wasm');
const images = tf.randomUniform([batch * STEPS_PER_EPOCH, IMAGE_SIZE, IMAGE_SIZE, 3], 0, 1, 'float32', 7);
const dataset = await fromTensors(images);
images.dispose();
const model = buildModel('small-cnn');

interface Sample {
  step: number;
  rssMiB: number;
  workers: ReplicaMemory[];
}
const samples: Sample[] = [];
let latest: ReplicaMemory[] = [];
const started = performance.now();
await pretrainParallel(
  {
    epochs: Math.ceil(steps / STEPS_PER_EPOCH),
    batchSize: batch,
    checkpointEvery: 0,
    resume: 'never',
    optimizer: { name: 'lars', baseLearningRate: 0.3, warmupEpochs: 1 },
    loss: { name: 'nt-xent', temperature: TEMPERATURE },
  },
  {
    model,
    dataset,
    augment: { simclr: { size: IMAGE_SIZE, strength: AUGMENT_STRENGTH, blur: false } },
    workers,
    backend: 'wasm',
    syncCheckEvery: 100,
    onWorkerMemory: (m) => {
      latest = m;
    },
    onStep: (m) => {
      if (m.step % EVERY !== 0) return;
      const sample = { step: m.step, rssMiB: process.memoryUsage().rss / 2 ** 20, workers: latest };
      samples.push(sample);
      const w = latest
        .map(
          (r, i) =>
            `w${i}: ${r.numTensors} tensors, wasm ${(r.wasmHeapBytes / 2 ** 20).toFixed(0)} MiB, js ${(r.jsHeapBytes / 2 ** 20).toFixed(1)} MiB`,
        )
        .join('; ');
      console.log(`step ${m.step}: loss ${m.loss.toFixed(3)}, RSS ${sample.rssMiB.toFixed(0)} MiB; ${w}`);
    },
  },
);
model.dispose();

/** Least-squares slope of y over x, per 1000 steps. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : (1000 * num) / den;
}

const tail = samples.slice(1);
const xs = tail.map((s) => s.step);
console.log(
  `\n${steps} steps on ${workers} workers in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
console.log(`slopes per 1000 steps over steps ${xs[0]}…${xs.at(-1)}:`);
console.log(
  `  process RSS: ${slope(
    xs,
    tail.map((s) => s.rssMiB),
  ).toFixed(2)} MiB`,
);
for (let w = 0; w < workers; w++) {
  const of = (f: (r: ReplicaMemory) => number) =>
    slope(
      xs,
      tail.map((s) => f(s.workers[w]!)),
    );
  console.log(
    `  worker ${w}: tensors ${of((r) => r.numTensors).toFixed(3)}, wasm heap ${of((r) => r.wasmHeapBytes / 2 ** 20).toFixed(2)} MiB, JS heap ${of((r) => r.jsHeapBytes / 2 ** 20).toFixed(2)} MiB`,
  );
}

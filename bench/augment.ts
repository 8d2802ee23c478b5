// The full simclrAugment preset on the wasm backend against torchvision's own pipeline on PIL images
// (one image at a time, one thread). The two alternate in rounds within one invocation, so both see
// the same machine load, and the ratio reported is the median of the per-round ratios.
// Run: cd bench && npx tsx --conditions=source augment.ts
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { simclrAugment } from '@simclr/augment';
import { createRng, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';

const CONFIGS: [n: number, size: number][] = [
  [256, 32],
  [64, 96],
];
const ROUNDS = 5;
const SECONDS = 1;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function measureOurs(images: tf.Tensor4D, size: number): number {
  const augment = simclrAugment({ size });
  const rng = createRng(0);
  const n = images.shape[0];
  const rates: number[] = [];
  const start = performance.now();
  while (rates.length < 3 || performance.now() - start < SECONDS * 1000) {
    const t0 = performance.now();
    const out = augment(images, rng);
    out.dataSync();
    rates.push(n / ((performance.now() - t0) / 1000));
    out.dispose();
  }
  return median(rates);
}

/** A running torchvision measuring process: one request per line, one JSON answer per line. */
function torchvision() {
  const child = spawn('/usr/bin/python3', [new URL('./augment_torchvision.py', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as Record<string, unknown>;
  return {
    version: async () => (await next())['torchvision'] as string,
    measure: async (n: number, size: number) => {
      child.stdin.write(`${n} ${size} ${SECONDS}\n`);
      return (await next())['imagesPerSecond'] as number;
    },
    close: () => child.stdin.end(),
  };
}

const { name } = await setupBackend('wasm');
const reference = torchvision();
const version = await reference.version();
const inputs = CONFIGS.map(([n, size]) => tf.randomUniform([n, size, size, 3]) as tf.Tensor4D);
for (const [i, images] of inputs.entries()) {
  simclrAugment({ size: CONFIGS[i]![1] })(images, createRng(0)).dispose();
}

const results = CONFIGS.map(() => ({ ours: [] as number[], theirs: [] as number[], ratio: [] as number[] }));
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, [n, size]] of CONFIGS.entries()) {
    const ours = measureOurs(inputs[i]!, size);
    const theirs = await reference.measure(n, size);
    results[i]!.ours.push(ours);
    results[i]!.theirs.push(theirs);
    results[i]!.ratio.push(ours / theirs);
  }
}
reference.close();
tf.dispose(inputs);

console.log(`simclrAugment on ${name} vs torchvision ${version} (PIL, one image at a time, 1 thread)`);
console.log(`medians over ${ROUNDS} alternating rounds of ${SECONDS} s each`);
console.log('batch            ours img/s   torchvision img/s   ratio   (per-round range)');
CONFIGS.forEach(([n, size], i) => {
  const r = results[i]!;
  const label = `${n} × ${size}×${size}`.padEnd(15);
  const range = `${Math.min(...r.ratio).toFixed(2)}–${Math.max(...r.ratio).toFixed(2)}`;
  console.log(
    `${label}  ${median(r.ours).toFixed(0).padStart(10)}   ${median(r.theirs).toFixed(0).padStart(17)}   ${median(r.ratio).toFixed(2)}×   (${range})`,
  );
});

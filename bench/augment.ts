// The full simclrAugment preset on the wasm backend against torchvision's own pipeline on PIL images
// (one image at a time, one thread), measured in the same invocation so the ratio compares like with
// like. Run: cd bench && npx tsx --conditions=source augment.ts
import { execFileSync } from 'node:child_process';
import { simclrAugment } from '@simclr/augment';
import { createRng, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';

const CONFIGS: [n: number, size: number][] = [
  [256, 32],
  [64, 96],
];
const MIN_SECONDS = 2;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function measureOurs(n: number, size: number): number {
  const augment = simclrAugment({ size });
  const rng = createRng(0);
  const images = tf.randomUniform([n, size, size, 3]) as tf.Tensor4D;
  augment(images, rng).dispose();
  const rates: number[] = [];
  const start = performance.now();
  while (rates.length < 3 || performance.now() - start < MIN_SECONDS * 1000) {
    const t0 = performance.now();
    const out = augment(images, rng);
    out.dataSync();
    rates.push(n / ((performance.now() - t0) / 1000));
    out.dispose();
  }
  images.dispose();
  return median(rates);
}

interface TorchvisionResult {
  torchvision: string;
  results: { n: number; size: number; imagesPerSecond: number }[];
}

function measureTorchvision(): TorchvisionResult {
  const script = new URL('./augment_torchvision.py', import.meta.url).pathname;
  const stdout = execFileSync('/usr/bin/python3', [script, JSON.stringify(CONFIGS), String(MIN_SECONDS)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as TorchvisionResult;
}

const { name } = await setupBackend('wasm');
const ours = CONFIGS.map(([n, size]) => measureOurs(n, size));
const reference = measureTorchvision();

console.log(
  `simclrAugment on ${name} vs torchvision ${reference.torchvision} (PIL, one image at a time, 1 thread)`,
);
console.log('batch            ours img/s   torchvision img/s   ratio');
CONFIGS.forEach(([n, size], i) => {
  const theirs = reference.results[i]!.imagesPerSecond;
  const label = `${n} × ${size}×${size}`.padEnd(15);
  console.log(
    `${label}  ${ours[i]!.toFixed(0).padStart(10)}   ${theirs.toFixed(0).padStart(17)}   ${(ours[i]! / theirs).toFixed(2)}×`,
  );
});

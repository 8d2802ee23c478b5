// The full simclrAugment preset on the wasm backend against torchvision's own pipeline on PIL images
// (one image at a time, one thread), alone; `run-all.ts` runs the same measurement as its augment cases.
// The two alternate in rounds within one invocation, so both see the same machine load, and the ratio
// reported is the median of the per-round ratios.
// Run: cd bench && npx tsx --conditions=source augment.ts
import '@tensorflow/tfjs-backend-wasm';
import { setupBackend } from '@simclr/core';
import { type AugmentRounds, augmentRounds, torchvisionServer } from './augment-throughput.js';
import { median } from './measure.js';

const CONFIGS: [n: number, size: number][] = [
  [256, 32],
  [64, 96],
];
const ROUNDS = 5;
const SECONDS = 1;

const { name } = await setupBackend('wasm');
const server = await torchvisionServer();
const results: AugmentRounds[] = [];
try {
  for (const [n, size] of CONFIGS) results.push(await augmentRounds(n, size, ROUNDS, SECONDS, server));
} finally {
  server.close();
}

console.log(`simclrAugment on ${name} vs torchvision ${server.version} (PIL, one image at a time, 1 thread)`);
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

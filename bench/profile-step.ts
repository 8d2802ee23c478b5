/**
 * Where one training step's time goes, kernel by kernel (tfjs's profiler), for one training case:
 *
 *   cd bench && npx tsx --conditions=source profile-step.ts resnet18-w0.25 32 native [threads]
 *
 * Prints the kernels that took the most time in one step after two warm-up steps. Kernel times are
 * wall times of each call (the wasm and native kernels are synchronous), so they add up to the step.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@simclr/native';
import { setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelName } from './cases.js';
import { createTrainingStep } from './simclr-step.js';

const [model = 'resnet18-w0.25', batchArg = '32', backend = 'native', threadsArg] = process.argv.slice(2);
await setupBackend(backend as 'native' | 'wasm', threadsArg ? { threads: Number(threadsArg) } : {});
const step = createTrainingStep(model as ModelName, Number(batchArg), null);
step.step();
step.step();
const t0 = performance.now();
const info = await tf.profile(() => {
  step.step();
});
const total = performance.now() - t0;
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  entry.ms += k.kernelTimeMs as number;
  entry.calls += 1;
  byKernel.set(k.name, entry);
}
const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0);
console.log(
  `${model} b${batchArg} ${backend}: step ${total.toFixed(0)} ms (profiled), kernels ${kernelMs.toFixed(0)} ms`,
);
for (const k of info.kernels.filter((k) => k.name === (process.env.SHOW_KERNEL ?? ''))) {
  console.log(
    k.name,
    JSON.stringify(k.inputShapes),
    JSON.stringify(k.outputShapes),
    (k.kernelTimeMs as number).toFixed(2),
  );
}
for (const [name, e] of rows.slice(0, 25)) {
  console.log(`${name.padEnd(28)} ${e.ms.toFixed(1).padStart(8)} ms ${String(e.calls).padStart(5)} calls`);
}
step.dispose();

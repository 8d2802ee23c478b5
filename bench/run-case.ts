/**
 * Measures one case of ours in a process of its own, so that its peak RSS and wasm heap are its own, and
 * prints the result as one JSON line. `run-all.ts` starts it; by hand:
 *
 *   cd bench && npx tsx --conditions=source run-case.ts resnet18/b32/wasm [--quick] [--no-torch]
 *
 * `--no-torch` only matters for augmentation cases, which alternate with torchvision in this process.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { augmentRounds, torchvisionServer } from './augment-throughput.js';
import { type AugmentCase, findCase, type TrainingCase } from './cases.js';
import { MemoryMonitor, type MemoryPeak, type StepTiming, timeSteps } from './measure.js';
import { createTrainingStep } from './simclr-step.js';

interface Common {
  id: string;
  backend: string;
  tfjs: string;
  /** Whether the wasm backend runs its SIMD build and its threaded build (never threaded in Node). */
  wasmSimd: boolean | null;
  wasmThreads: boolean | null;
  memory: MemoryPeak;
}

export interface OursTrainingResult extends Common {
  kind: 'training';
  params: number;
  steps: StepTiming[];
  loss: number;
}

export interface OursAugmentResult extends Common {
  kind: 'augment';
  ours: number[];
  theirs: number[];
  ratio: number[];
  torchvision: string | null;
  theirMaxRssBytes: number | null;
}

export type OursResult = OursTrainingResult | OursAugmentResult;

async function runTraining(c: TrainingCase, monitor: MemoryMonitor) {
  const training = createTrainingStep(c.model, c.batch, c.chunk);
  let tensors: number | null = null;
  const afterStep = () => {
    monitor.sample();
    const now = tf.memory().numTensors;
    if (tensors !== null && now > tensors) {
      throw new Error(`${c.id}: a training step leaked ${now - tensors} tensors`);
    }
    tensors = now;
    if (!Number.isFinite(training.lastLoss())) {
      throw new Error(`${c.id}: the loss became ${training.lastLoss()}`);
    }
  };
  const steps = timeSteps(() => training.step(), c.protocol, afterStep);
  const result = { kind: 'training' as const, params: training.params, steps, loss: training.lastLoss() };
  training.dispose();
  return result;
}

async function runAugment(c: AugmentCase, withTorch: boolean, monitor: MemoryMonitor) {
  const server = withTorch ? await torchvisionServer() : null;
  try {
    const rounds = await augmentRounds(c.batch, c.size, c.rounds, c.seconds, server);
    monitor.sample();
    return { kind: 'augment' as const, ...rounds, torchvision: server?.version ?? null };
  } finally {
    server?.close();
  }
}

async function main(): Promise<OursResult> {
  const [id] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (id === undefined) throw new Error('usage: run-case.ts <case id> [--quick] [--no-torch]');
  const c = findCase(id, process.argv.includes('--quick'));
  const backend = c.kind === 'training' ? c.backend : 'wasm';
  await setupBackend(backend);
  const onWasm = backend === 'wasm';
  const monitor = new MemoryMonitor();
  const measured =
    c.kind === 'training'
      ? await runTraining(c, monitor)
      : await runAugment(c, !process.argv.includes('--no-torch'), monitor);
  return {
    id: c.id,
    backend: tf.getBackend(),
    tfjs: tf.version_core,
    wasmSimd: onWasm ? ((await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean) : null,
    wasmThreads: onWasm ? ((await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean) : null,
    memory: monitor.peak(),
    ...measured,
  };
}

// Caught here: tfjs-backend-wasm's own uncaught-exception handler would print its whole minified source.
try {
  console.log(JSON.stringify(await main()));
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}

/**
 * Measures one case of ours in a process of its own, so that its peak RSS and wasm heap are its own, and
 * prints the result as one JSON line. `run-all.ts` starts it; by hand:
 *
 *   cd bench && npx tsx --conditions=source run-case.ts resnet18/b32/wasm [--quick] [--no-torch]
 *
 * `--no-torch` only matters for augmentation cases, which alternate with torchvision in this process.
 * Parallel cases start their own worker threads (`pretrainParallel`'s and `independent-worker.ts`).
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@simclr/native';
import { activeBackend, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { augmentRounds, torchvisionServer } from './augment-throughput.js';
import { type AugmentCase, findCase, type ParallelCase, type TrainingCase } from './cases.js';
import { type IndependentMeasurement, measureIndependent } from './independent-step.js';
import {
  MemoryMonitor,
  type MemoryPeak,
  median,
  type StepTiming,
  timeSteps,
  withPeakRss,
} from './measure.js';
import { measureParallel, type ParallelMeasurement } from './parallel-step.js';
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

/** One worker count in one round of a parallel case. */
export interface ParallelPointResult {
  workers: number;
  /** `pretrainParallel`, with the process's peak RSS over it. */
  parallel: ParallelMeasurement & { peakRssBytes: number };
  /** The same number of workers each training alone on its shard: the machine's ceiling. */
  independent: IndependentMeasurement;
}

export interface OursParallelResult extends Common {
  kind: 'parallel';
  params: number;
  /** Each round measures every worker count, in the case's order. */
  rounds: { points: ParallelPointResult[] }[];
}

export type OursResult = OursTrainingResult | OursAugmentResult | OursParallelResult;

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

async function runParallel(c: ParallelCase, monitor: MemoryMonitor) {
  const rounds: OursParallelResult['rounds'] = [];
  let params = 0;
  for (let round = 1; round <= c.rounds; round++) {
    const points: ParallelPointResult[] = [];
    for (const workers of c.workers) {
      const { result: parallel, peakRssBytes } = await withPeakRss(() =>
        measureParallel(c.model, c.batch, workers, c.protocol, c.backend),
      );
      monitor.sample();
      const leaks = parallel.tensorsLast.map((n, rank) => n - parallel.tensorsFirst[rank]!);
      if (leaks.some((n) => n > 0)) {
        throw new Error(`${c.id}: W=${workers}: the workers' steps leaked [${leaks.join(', ')}] tensors`);
      }
      if (!Number.isFinite(parallel.loss)) {
        throw new Error(`${c.id}: W=${workers}: the loss became ${parallel.loss}`);
      }
      const independent = await measureIndependent(c.model, c.batch, workers, c.protocol);
      monitor.sample();
      params = parallel.params;
      points.push({ workers, parallel: { ...parallel, peakRssBytes }, independent });
      const perSecond = (2 * c.batch) / (median(parallel.stepMs) / 1000);
      console.error(
        `    round ${round}/${c.rounds}, W=${workers}: ${perSecond.toFixed(1)} img/s, ` +
          `independent ${independent.imagesPerSecond.toFixed(1)} img/s`,
      );
    }
    rounds.push({ points });
  }
  return { kind: 'parallel' as const, params, rounds };
}

async function main(): Promise<OursResult> {
  const [id] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (id === undefined) throw new Error('usage: run-case.ts <case id> [--quick] [--no-torch]');
  const c = findCase(id, process.argv.includes('--quick'));
  const backend = c.backend;
  await setupBackend(backend);
  const onWasm = backend === 'wasm' || backend === 'native';
  const monitor = new MemoryMonitor();
  const measured =
    c.kind === 'training'
      ? await runTraining(c, monitor)
      : c.kind === 'parallel'
        ? await runParallel(c, monitor)
        : await runAugment(c, !process.argv.includes('--no-torch'), monitor);
  return {
    id: c.id,
    backend: activeBackend(),
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

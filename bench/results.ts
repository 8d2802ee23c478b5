/**
 * The record of a run (what `bench/results/<date>.json` holds) and how raw measurements become its rows.
 * Rates count views: a training step on B images processes 2·B views, so images/s = 2·B / step time.
 *
 * The record holds no arrays of plain values, only arrays of objects: `JSON.stringify` then lays it out
 * exactly as the repository's formatter does, so a committed record passes `biome check`.
 */
import type { ReplicaMemory } from '@simclr/train';
import {
  type AugmentCase,
  MODEL_LABELS,
  type ParallelCase,
  type Protocol,
  type TrainingCase,
} from './cases.js';
import type { MachineInfo } from './machine.js';
import { type MemoryPeak, median, type StepTiming } from './measure.js';
import type {
  OursAugmentResult,
  OursParallelResult,
  OursTrainingResult,
  ParallelPointResult,
} from './run-case.js';
import type { TorchCaseResult } from './torch.js';

/** Medians over the timed steps of one side of a training case. */
export interface StepSummary {
  /** 2·B / median step time. */
  imagesPerSecond: number;
  /** Median wall time of a step, augmentation included. */
  stepMs: number;
  /** Median wall time of the step's augmentation (both views). */
  augmentMs: number;
  /** Median of (step − augmentation): the network, loss, gradients and update. */
  modelMs: number;
  /** Median CPU time of a step (summed over threads). */
  cpuMs: number;
  params: number;
  loss: number;
  steps: StepTiming[];
}

export interface TorchSummary extends StepSummary {
  threads: number;
  maxRssBytes: number;
}

export interface TrainingRow {
  kind: 'training';
  id: string;
  model: string;
  backend: string;
  batch: number;
  chunk: number | null;
  protocol: Protocol;
  ours: StepSummary & { memory: MemoryPeak };
  /** PyTorch on one thread, the reference of `ratio`; null when PyTorch was skipped. */
  torch1: TorchSummary | null;
  /** PyTorch on every available core. */
  torchAll: TorchSummary | null;
  /** ours / PyTorch 1-thread images per second (above 1: ours is faster). */
  ratio: number | null;
  /** The same for the step without its augmentation. */
  ratioModelOnly: number | null;
  /**
   * ours / PyTorch 1-thread from CPU time per step instead of wall time: both sides are single-threaded
   * there, and CPU time moves less than wall time when other work shares the machine.
   */
  ratioCpuTime: number | null;
  /** ours / PyTorch all-threads images per second. */
  ratioAllThreads: number | null;
  /** A warning about the comparison (parameter counts that differ), or null. */
  note: string | null;
}

export interface AugmentRow {
  kind: 'augment';
  id: string;
  batch: number;
  size: number;
  /** Images (not views) per second of each round, and their ratio; torchvision null without it. */
  rounds: { ours: number; torchvision: number | null; ratio: number | null }[];
  /** Medians over the rounds. */
  oursImagesPerSecond: number;
  torchvisionImagesPerSecond: number | null;
  /** Median of the per-round ratios ours / torchvision. */
  ratio: number | null;
  ratioRange: { min: number; max: number } | null;
  memory: MemoryPeak;
  torchvisionMaxRssBytes: number | null;
}

/** One worker count of a parallel case in one round. */
export interface ParallelRound {
  /** `pretrainParallel`: each timed step's wall time on the coordinating thread. */
  parallel: {
    steps: { stepMs: number }[];
    /** 2·B / median step time. */
    imagesPerSecond: number;
    loss: number;
    /** Each worker's peak memory. */
    workerMemory: ReplicaMemory[];
    /** Peak RSS of the process over this run (its own window on Linux, see `withPeakRss`). */
    peakRssBytes: number;
  };
  /** The same number of workers each training alone on its shard, timed concurrently. */
  independent: {
    workers: { steps: { stepMs: number }[]; imagesPerSecond: number; loss: number; wasmHeapBytes: number }[];
    /** The sum of the workers' images per second. */
    imagesPerSecond: number;
  };
  /** parallel images/s over that of W = 1 in the same round. */
  speedup: number;
  /** independent images/s over that of W = 1 in the same round. */
  ceiling: number;
}

/** One worker count of a parallel case, over its rounds. */
export interface ParallelPoint {
  workers: number;
  /** Median over the rounds of the data-parallel images/s. */
  imagesPerSecond: number;
  /** Median over the rounds of the per-round speed-up over W = 1, and its range. */
  speedup: number;
  speedupRange: { min: number; max: number };
  /** The machine's ceiling: median over the rounds of the independent workers' speed-up, and its range. */
  ceiling: number;
  ceilingRange: { min: number; max: number };
  /** speedup / ceiling: the share of what the machine allows that the trainer reaches. */
  efficiency: number;
  /** Largest wasm heap of any worker in any round (each worker's heap only grows). */
  workerWasmHeapBytes: number;
  /** Largest peak RSS of the process over a data-parallel run at this count. */
  peakRssBytes: number;
  /** Loss of the last step of the last round. */
  loss: number;
  rounds: ParallelRound[];
}

export interface ParallelRow {
  kind: 'parallel';
  id: string;
  model: string;
  backend: string;
  /** The global batch, split evenly over the workers. */
  batch: number;
  protocol: Protocol;
  params: number;
  /** The whole case's process (coordinating thread's wasm heap; peak RSS over every run). */
  memory: MemoryPeak;
  points: ParallelPoint[];
}

export type Row = TrainingRow | AugmentRow | ParallelRow;

export interface RunRecord {
  /** YYYY-MM-DD (UTC) of the run. */
  date: string;
  quick: boolean;
  /** The `--cases` value, or null for every case. */
  selection: string | null;
  machine: MachineInfo;
  versions: {
    tfjs: string | null;
    wasmSimd: boolean | null;
    wasmThreads: boolean | null;
    torch: string | null;
    torchvision: string | null;
  };
  /** Why PyTorch numbers are missing, or null when they were taken. */
  torchSkipped: string | null;
  /** 1-minute load average when the run ended. */
  loadAverageAtEnd: number;
  rows: Row[];
  failures: { id: string; error: string }[];
}

function summarise(batch: number, steps: StepTiming[], params: number, loss: number): StepSummary {
  const stepMs = median(steps.map((s) => s.stepMs));
  return {
    imagesPerSecond: (2 * batch) / (stepMs / 1000),
    stepMs,
    augmentMs: median(steps.map((s) => s.augmentMs)),
    modelMs: median(steps.map((s) => s.stepMs - s.augmentMs)),
    cpuMs: median(steps.map((s) => s.cpuMs)),
    params,
    loss,
    steps,
  };
}

function summariseTorch(batch: number, r: TorchCaseResult): TorchSummary {
  return { ...summarise(batch, r.steps, r.params, r.loss), threads: r.threads, maxRssBytes: r.maxRssBytes };
}

export function trainingRow(
  c: TrainingCase,
  ours: OursTrainingResult,
  torch1: TorchCaseResult | null,
  torchAll: TorchCaseResult | null,
): TrainingRow {
  const oursSummary = { ...summarise(c.batch, ours.steps, ours.params, ours.loss), memory: ours.memory };
  const t1 = torch1 === null ? null : summariseTorch(c.batch, torch1);
  const tAll = torchAll === null ? null : summariseTorch(c.batch, torchAll);
  const note =
    t1 !== null && t1.params !== oursSummary.params
      ? `parameter counts differ: ours ${oursSummary.params}, PyTorch ${t1.params}`
      : null;
  return {
    kind: 'training',
    id: c.id,
    model: MODEL_LABELS[c.model],
    backend: ours.backend,
    batch: c.batch,
    chunk: c.chunk,
    protocol: c.protocol,
    ours: oursSummary,
    torch1: t1,
    torchAll: tAll,
    ratio: t1 === null ? null : oursSummary.imagesPerSecond / t1.imagesPerSecond,
    ratioModelOnly: t1 === null ? null : t1.modelMs / oursSummary.modelMs,
    ratioCpuTime: t1 === null ? null : t1.cpuMs / oursSummary.cpuMs,
    ratioAllThreads: tAll === null ? null : oursSummary.imagesPerSecond / tAll.imagesPerSecond,
    note,
  };
}

export function augmentRow(c: AugmentCase, ours: OursAugmentResult): AugmentRow {
  const withTorch = ours.theirs.length > 0;
  return {
    kind: 'augment',
    id: c.id,
    batch: c.batch,
    size: c.size,
    rounds: ours.ours.map((o, i) => ({
      ours: o,
      torchvision: withTorch ? ours.theirs[i]! : null,
      ratio: withTorch ? ours.ratio[i]! : null,
    })),
    oursImagesPerSecond: median(ours.ours),
    torchvisionImagesPerSecond: withTorch ? median(ours.theirs) : null,
    ratio: withTorch ? median(ours.ratio) : null,
    ratioRange: withTorch ? { min: Math.min(...ours.ratio), max: Math.max(...ours.ratio) } : null,
    memory: ours.memory,
    torchvisionMaxRssBytes: ours.theirMaxRssBytes,
  };
}

const range = (values: number[]) => ({ min: Math.min(...values), max: Math.max(...values) });
const timings = (ms: number[]) => ms.map((stepMs) => ({ stepMs }));

/** One round of a parallel case as rows of the record, by worker count, with its ratios to W = 1. */
function parallelRound(c: ParallelCase, points: ParallelPointResult[]): Map<number, ParallelRound> {
  const perSecond = (p: ParallelPointResult) => (2 * c.batch) / (median(p.parallel.stepMs) / 1000);
  const reference = points.find((p) => p.workers === 1);
  if (reference === undefined) throw new Error(`${c.id}: a round lacks W = 1, the reference`);
  return new Map(
    points.map((p) => [
      p.workers,
      {
        parallel: {
          steps: timings(p.parallel.stepMs),
          imagesPerSecond: perSecond(p),
          loss: p.parallel.loss,
          workerMemory: p.parallel.workerMemory,
          peakRssBytes: p.parallel.peakRssBytes,
        },
        independent: {
          workers: p.independent.perWorker.map((w) => ({
            steps: timings(w.stepMs),
            imagesPerSecond: w.imagesPerSecond,
            loss: w.loss,
            wasmHeapBytes: w.wasmHeapBytes,
          })),
          imagesPerSecond: p.independent.imagesPerSecond,
        },
        speedup: perSecond(p) / perSecond(reference),
        ceiling: p.independent.imagesPerSecond / reference.independent.imagesPerSecond,
      },
    ]),
  );
}

/**
 * Speed-ups of each worker count over W = 1, taken round by round (each round measured every count back
 * to back, so the drift of a noisy machine between rounds cancels) and summarised by their median.
 */
export function parallelRow(c: ParallelCase, ours: OursParallelResult): ParallelRow {
  const rounds = ours.rounds.map((r) => parallelRound(c, r.points));
  const points = c.workers.map((workers): ParallelPoint => {
    const at = rounds.map((r) => {
      const round = r.get(workers);
      if (round === undefined) throw new Error(`${c.id}: a round lacks W = ${workers}`);
      return round;
    });
    const speedups = at.map((r) => r.speedup);
    const ceilings = at.map((r) => r.ceiling);
    return {
      workers,
      imagesPerSecond: median(at.map((r) => r.parallel.imagesPerSecond)),
      speedup: median(speedups),
      speedupRange: range(speedups),
      ceiling: median(ceilings),
      ceilingRange: range(ceilings),
      efficiency: median(speedups) / median(ceilings),
      workerWasmHeapBytes: Math.max(
        ...at.flatMap((r) => r.parallel.workerMemory.map((m) => m.wasmHeapBytes)),
      ),
      peakRssBytes: Math.max(...at.map((r) => r.parallel.peakRssBytes)),
      loss: at.at(-1)!.parallel.loss,
      rounds: at,
    };
  });
  return {
    kind: 'parallel',
    id: c.id,
    model: MODEL_LABELS[c.model],
    backend: ours.backend,
    batch: c.batch,
    protocol: c.protocol,
    params: ours.params,
    memory: ours.memory,
    points,
  };
}

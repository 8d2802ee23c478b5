/**
 * The record of a run (what `bench/results/<date>.json` holds) and how raw measurements become its rows.
 * Rates count views: a training step on B images processes 2·B views, so images/s = 2·B / step time.
 *
 * The record holds no arrays of plain values, only arrays of objects: `JSON.stringify` then lays it out
 * exactly as the repository's formatter does, so a committed record passes `biome check`.
 */
import { type AugmentCase, MODEL_LABELS, type Protocol, type TrainingCase } from './cases.js';
import type { MachineInfo } from './machine.js';
import { type MemoryPeak, median, type StepTiming } from './measure.js';
import type { OursAugmentResult, OursTrainingResult } from './run-case.js';
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

export type Row = TrainingRow | AugmentRow;

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

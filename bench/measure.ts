/**
 * How a case is timed and how its memory is read; `train_torch.py` follows the same protocol.
 *
 * Steps run synchronously on the wasm and cpu backends (a kernel has finished when its call returns),
 * so wall time around a step, or around its augmentation, is the time of that work.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { Protocol } from './cases.js';

/** One timed step, in milliseconds. */
export interface StepTiming {
  /** Wall time of the whole step. */
  stepMs: number;
  /** Wall time of its augmentation (both views). */
  augmentMs: number;
  /** CPU time (user + system) of this process over the step. */
  cpuMs: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs `protocol.warmup` untimed steps, then timed ones: at least `minSteps`, more while under
 * `seconds` of timed steps, at most `maxSteps`. `step` returns the milliseconds its augmentation took.
 * `afterStep` runs after every step, outside the timing.
 */
export function timeSteps(step: () => number, protocol: Protocol, afterStep: () => void): StepTiming[] {
  for (let i = 0; i < protocol.warmup; i++) {
    step();
    afterStep();
  }
  const timings: StepTiming[] = [];
  let elapsed = 0;
  while (
    timings.length < protocol.minSteps ||
    (timings.length < protocol.maxSteps && elapsed < protocol.seconds * 1000)
  ) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const augmentMs = step();
    const stepMs = performance.now() - t0;
    const { user, system } = process.cpuUsage(cpu0);
    timings.push({ stepMs, augmentMs, cpuMs: (user + system) / 1000 });
    elapsed += stepMs;
    afterStep();
  }
  return timings;
}

/** Memory a case used, in bytes. */
export interface MemoryPeak {
  /**
   * Peak resident set size of this process (the kernel's high-water mark, `ru_maxrss`, which also
   * catches peaks inside a synchronous step that a sampling timer could never see).
   */
  peakRssBytes: number;
  /** Largest `process.memoryUsage().rss` sampled between steps. */
  sampledRssBytes: number;
  /** Size of the wasm backend's linear memory, which only grows, so it is its peak; null off wasm. */
  wasmHeapBytes: number | null;
}

/** Samples memory between steps and reports the case's peaks. */
export class MemoryMonitor {
  private sampled = 0;

  sample(): void {
    this.sampled = Math.max(this.sampled, process.memoryUsage().rss);
  }

  peak(): MemoryPeak {
    this.sample();
    return {
      peakRssBytes: processPeakRssBytes(),
      sampledRssBytes: this.sampled,
      wasmHeapBytes: wasmHeapBytes(),
    };
  }
}

function wasmHeapBytes(): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
  return backend.wasm.HEAPU8.buffer.byteLength;
}

/**
 * The process's peak RSS up to the latest reset of the kernel's mark by {@link withPeakRss}, or null
 * while there has been none.
 */
let peakBeforeResets: number | null = null;

/**
 * The kernel's high-water mark of this process's RSS since the last reset (Linux's `VmHWM`), or since the
 * process started where that is not readable (`ru_maxrss`).
 */
function windowPeakRssBytes(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm !== null) return Number(hwm[1]) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Peak RSS of the whole process, resets of the kernel's mark notwithstanding. */
function processPeakRssBytes(): number {
  const sinceStart = process.resourceUsage().maxRSS * 1024;
  return peakBeforeResets === null ? sinceStart : Math.max(peakBeforeResets, windowPeakRssBytes());
}

/**
 * Runs `work` and returns the process's peak RSS over it. On Linux the kernel's high-water mark is reset
 * to the current RSS first (`/proc/self/clear_refs`), so the peak is this window's own, however large
 * earlier work in the process grew; elsewhere it is the peak since the process started. Meant for work
 * in worker threads, whose memory is gone once they exit. {@link MemoryMonitor} still reports the
 * process's peak.
 */
export async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakRssBytes: number }> {
  peakBeforeResets = processPeakRssBytes();
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the mark keeps covering the whole process.
  }
  const result = await work();
  return { result, peakRssBytes: windowPeakRssBytes() };
}

/**
 * The PyTorch reference runs: `train_torch.py` with Debian's python3-torch, one process per case and
 * thread count, so each reports its own peak RSS.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { TrainingCase } from './cases.js';
import type { StepTiming } from './measure.js';

/** Debian's interpreter, where python3-torch and python3-torchvision install. */
export const PYTHON = '/usr/bin/python3';

const SCRIPT = new URL('./train_torch.py', import.meta.url).pathname;
const run = promisify(execFile);

export interface TorchVersions {
  torch: string;
  torchvision: string;
}

/** What `train_torch.py` prints for one case. */
export interface TorchCaseResult extends TorchVersions {
  threads: number;
  params: number;
  steps: StepTiming[];
  loss: number;
  maxRssBytes: number;
}

/** The versions of torch and torchvision, or why the PyTorch runs are skipped. */
export async function probeTorch(): Promise<TorchVersions | { missing: string }> {
  if (!existsSync(PYTHON)) return { missing: `${PYTHON} not found` };
  try {
    const { stdout } = await run(PYTHON, [SCRIPT, '--probe']);
    return JSON.parse(stdout) as TorchVersions;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    const last = stderr.trim().split('\n').at(-1) ?? '';
    return { missing: `${PYTHON} cannot import torch and torchvision (${last})` };
  }
}

/** Runs `c` in PyTorch on `threads` threads. @throws Error with the script's stderr when it fails. */
export async function runTorchCase(c: TrainingCase, threads: number): Promise<TorchCaseResult> {
  const { protocol } = c;
  const args = [
    SCRIPT,
    `--model=${c.model}`,
    `--batch=${c.batch}`,
    `--chunk=${c.chunk ?? 0}`,
    `--threads=${threads}`,
    `--warmup=${protocol.warmup}`,
    `--min-steps=${protocol.minSteps}`,
    `--max-steps=${protocol.maxSteps}`,
    `--seconds=${protocol.seconds}`,
  ];
  try {
    const { stdout } = await run(PYTHON, args, { maxBuffer: 1 << 24 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as TorchCaseResult;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`train_torch.py failed for ${c.id} on ${threads} threads: ${String(error)}\n${stderr}`);
  }
}

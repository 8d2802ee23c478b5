import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@simclr/core';
import { CheckpointStore, readDirVerified } from '@simclr/train/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');
const EVERY = 3;
const TOTAL = 36;
/** Kills per worker count: the first hits a fresh run, the second one resumed from a killed run. */
const KILLS = 2;

function launch(out: string, workers: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=source',
      BIN,
      'pretrain',
      '--dataset=synthetic',
      '--limit=192',
      '--image-size=16',
      '--batch-size=16',
      '--epochs=3',
      `--checkpoint-every=${EVERY}`,
      '--backend=wasm',
      `--workers=${workers}`,
      '--quiet',
      `--out=${out}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );

async function loggedSteps(out: string): Promise<number[]> {
  try {
    const text = await readFile(join(out, 'metrics.jsonl'), 'utf8');
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .flatMap((l) => {
        try {
          return [(JSON.parse(l) as { step: number }).step];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}

// With workers the leader (this process, which writes the checkpoints) is killed with its worker threads;
// a worker that dies on its own is covered by pretrainParallel's tests. bench/soak-kill.ts kills the same
// run many more times (six per worker count by default).
describe.each([1, 2])('simclr pretrain --workers=%i under SIGKILL', (workers) => {
  let out = '';
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'simclr-kill-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('survives two kills at random moments, loses at most one checkpoint interval, and completes', async ({
    annotate,
  }) => {
    const rng = createRng(2026 + workers);
    const store = new CheckpointStore(join(out, 'checkpoints'));
    const kills: string[] = [];
    let previous = 0;
    for (let k = 0; k < KILLS; k++) {
      const child = launch(out, workers);
      const done = exited(child);
      // Once this run has taken a step of its own, at a random moment within the next ~1.5 s: between
      // steps, during a step or while a checkpoint is being written.
      const deadline = Date.now() + 120_000;
      while (Math.max(0, ...(await loggedSteps(out))) <= previous && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, rng.uniform(0, 1500)));
      child.kill('SIGKILL');
      const { signal, code } = await done;
      const reached = Math.max(0, ...(await loggedSteps(out)));
      // Every checkpoint directory on disk is complete and verifies.
      const entries = await store.list();
      for (const e of entries) await expect(readDirVerified(e.path)).resolves.toBeInstanceOf(Map);
      const latest = entries[0]?.step ?? 0;
      expect(reached - latest, `kill ${k}: progress lost`).toBeLessThanOrEqual(EVERY);
      kills.push(`${signal ?? code}@step ${reached} (checkpoint ${latest})`);
      previous = reached;
      if (code === 0) break;
    }
    const final = launch(out, workers);
    let stderr = '';
    final.stderr!.on('data', (d) => {
      stderr += d;
    });
    const { code } = await exited(final);
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
      status: string;
      steps: number;
    };
    expect(summary).toMatchObject({ status: 'completed', steps: TOTAL });
    // The metrics log describes one consistent run: every step once, in order.
    expect(await loggedSteps(out)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect((await store.list()).map((e) => e.step)).toEqual([36, 33, 30]);
    annotate(kills.join('; '));
  }, 300_000);
});

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('simclr pretrain under %s', (signal, expected) => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'simclr-signal-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it(`finishes the step, writes a checkpoint and exits with ${expected}`, async () => {
    const out = join(tmp, 'run');
    const child = launch(out, 1);
    const done = exited(child);
    const deadline = Date.now() + 120_000;
    while ((await loggedSteps(out)).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill(signal);
    const { code } = await done;
    expect(code).toBe(expected);
    const steps = await loggedSteps(out);
    const newest = (await new CheckpointStore(join(out, 'checkpoints')).list())[0];
    expect(newest?.step).toBe(Math.max(...steps));
    expect(steps.length).toBeLessThan(TOTAL);
  }, 180_000);
});

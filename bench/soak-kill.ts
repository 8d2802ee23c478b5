/**
 * Kills `simclr pretrain` with SIGKILL again and again (not a test: it takes minutes; the CLI's
 * pretrain-kill test kills twice). Each round starts the CLI on a small synthetic run (36 steps on wasm,
 * a checkpoint every 3 steps), waits until the round has logged a step of its own, then kills it at a
 * random moment within the next ~1.5 s: between steps, during a step or while a checkpoint is written.
 * After each kill every checkpoint directory on disk must verify and at most one checkpoint interval of
 * logged steps may be lost; after the kills one more run must complete the 36 steps with every step
 * logged once, in order. It prints each kill and exits non-zero on the first failure.
 *
 *   cd bench && npx tsx --conditions=source soak-kill.ts [--kills 6] [--workers 1,2] [--seed 2026]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRng } from '@simclr/core';
import { CheckpointStore, readDirVerified } from '@simclr/train/node';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '6' },
    workers: { type: 'string', default: '1,2' },
    seed: { type: 'string', default: '2026' },
  },
});
const kills = Number(values.kills);
const workerCounts = values.workers.split(',').map(Number);
const seed = Number(values.seed);

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'packages', 'cli', 'src', 'bin.ts');
const EVERY = 3;
const TOTAL = 36;

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
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
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

function check(ok: boolean, message: string): void {
  if (!ok) {
    console.error(`FAILED: ${message}`);
    process.exit(1);
  }
}

for (const workers of workerCounts) {
  const out = await mkdtemp(join(tmpdir(), 'simclr-soak-kill-'));
  try {
    const rng = createRng(seed + workers);
    const store = new CheckpointStore(join(out, 'checkpoints'));
    let previous = 0;
    for (let k = 0; k < kills; k++) {
      const child = launch(out, workers);
      const done = exited(child);
      const deadline = Date.now() + 120_000;
      while (Math.max(0, ...(await loggedSteps(out))) <= previous && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, rng.uniform(0, 1500)));
      child.kill('SIGKILL');
      const { signal, code } = await done;
      const reached = Math.max(0, ...(await loggedSteps(out)));
      const entries = await store.list();
      for (const e of entries) {
        try {
          await readDirVerified(e.path);
        } catch (error) {
          check(false, `--workers=${workers}, kill ${k}: checkpoint ${e.step} does not verify: ${error}`);
        }
      }
      const latest = entries[0]?.step ?? 0;
      check(
        reached - latest <= EVERY,
        `--workers=${workers}, kill ${k}: step ${reached} logged, newest checkpoint ${latest}`,
      );
      console.log(`--workers=${workers} kill ${k}: ${signal ?? code}@step ${reached} (checkpoint ${latest})`);
      previous = reached;
      if (code === 0) break;
    }
    const final = launch(out, workers);
    let stderr = '';
    final.stderr!.on('data', (d) => {
      stderr += d;
    });
    const { code } = await exited(final);
    check(code === 0, `--workers=${workers}: the last run exited with ${code}: ${stderr}`);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
      status: string;
      steps: number;
    };
    check(
      summary.status === 'completed' && summary.steps === TOTAL,
      `--workers=${workers}: summary ${JSON.stringify(summary)}`,
    );
    const steps = await loggedSteps(out);
    check(
      steps.length === TOTAL && steps.every((s, i) => s === i + 1),
      `--workers=${workers}: logged steps ${steps.join(',')}`,
    );
    console.log(`--workers=${workers}: completed ${TOTAL} steps, each logged once, in order`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

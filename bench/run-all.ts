/**
 * The benchmark suite (`pnpm bench`, see README.md): SimCLR training throughput and augmentation
 * throughput of ours against PyTorch, with peak memory, and the scaling of data-parallel training over
 * worker threads, in one invocation.
 *
 *   pnpm bench [--quick] [--cases=small-cnn,resnet18/b32] [--no-torch]
 *
 * Each case runs in a child process of its own (`run-case.ts`; `train_torch.py` on 1 thread, then on
 * every available core), so every peak-memory figure belongs to one case. Ours and PyTorch take turns
 * case by case. Writes `results/<date>.json` and, for a full run without failures, the results section
 * of README.md. Exits non-zero when any case fails.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { allCases, type BenchCase, selectCases, type TrainingCase } from './cases.js';
import { machineInfo } from './machine.js';
import { printReport, updateReadme, writeRecord } from './report.js';
import { augmentRow, parallelRow, type Row, type RunRecord, trainingRow } from './results.js';
import type { OursResult } from './run-case.js';
import { probeTorch, runTorchCase, type TorchCaseResult } from './torch.js';

const { values: flags } = parseArgs({
  // pnpm passes a literal `--` along when called as `pnpm bench -- --quick`.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    cases: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
  },
  strict: true,
});
const quick = flags.quick;
const cases = selectCases(allCases(quick), flags.cases?.split(',').filter((s) => s.length > 0) ?? null);

/** Runs `run-case.ts` for `c` with the same Node flags (tsx's loader) as this process. */
function runOurs(c: BenchCase): Promise<OursResult> {
  const args = [
    ...process.execArgv,
    new URL('./run-case.ts', import.meta.url).pathname,
    c.id,
    ...(quick ? ['--quick'] : []),
    ...(torchSkipped !== null ? ['--no-torch'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`run-case.ts ${c.id} exited with ${signal ?? `code ${code}`}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as OursResult);
      } catch {
        reject(new Error(`run-case.ts ${c.id} printed no result: ${stdout}`));
      }
    });
  });
}

const machine = machineInfo();
const torch = flags['no-torch'] ? { missing: 'run with --no-torch' } : await probeTorch();
const torchSkipped = 'missing' in torch ? torch.missing : null;
if (torchSkipped !== null) console.error(`PyTorch runs skipped: ${torchSkipped}`);
const threadsAll = machine.availableParallelism;

// Cases that differ only in our backend share their PyTorch runs.
const torchRuns = new Map<string, Promise<[TorchCaseResult, TorchCaseResult]>>();
function torchFor(c: TrainingCase): Promise<[TorchCaseResult, TorchCaseResult]> {
  const key = `${c.model}/${c.batch}/${c.chunk}`;
  let runs = torchRuns.get(key);
  if (runs === undefined) {
    runs = (async () => {
      const one = await runTorchCase(c, 1);
      return [one, threadsAll > 1 ? await runTorchCase(c, threadsAll) : one];
    })();
    torchRuns.set(key, runs);
  }
  return runs;
}

const rows: Row[] = [];
const failures: RunRecord['failures'] = [];
let versions: RunRecord['versions'] = {
  tfjs: null,
  wasmSimd: null,
  wasmThreads: null,
  torch: 'missing' in torch ? null : torch.torch,
  torchvision: 'missing' in torch ? null : torch.torchvision,
};
for (const [i, c] of cases.entries()) {
  const started = performance.now();
  console.error(`[${i + 1}/${cases.length}] ${c.id}`);
  try {
    const ours = await runOurs(c);
    versions = {
      ...versions,
      tfjs: ours.tfjs,
      wasmSimd: ours.wasmSimd ?? versions.wasmSimd,
      wasmThreads: ours.wasmThreads ?? versions.wasmThreads,
    };
    if (c.kind === 'training' && ours.kind === 'training') {
      const [one, all] = torchSkipped === null ? await torchFor(c) : [null, null];
      rows.push(trainingRow(c, ours, one, all));
    } else if (c.kind === 'augment' && ours.kind === 'augment') {
      rows.push(augmentRow(c, ours));
    } else if (c.kind === 'parallel' && ours.kind === 'parallel') {
      // No PyTorch here: the comparison is with our own single-worker run and the machine's ceiling.
      rows.push(parallelRow(c, ours));
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`FAILED ${c.id}: ${message}`);
    failures.push({ id: c.id, error: message });
  }
  console.error(`    ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const record: RunRecord = {
  date: new Date().toISOString().slice(0, 10),
  quick,
  selection: flags.cases ?? null,
  machine,
  versions,
  torchSkipped,
  loadAverageAtEnd: os.loadavg()[0]!,
  rows,
  failures,
};
printReport(record);
const recordName = writeRecord(record, new URL('./results/', import.meta.url));
console.log(`\nwrote results/${recordName}`);
if (failures.length > 0) {
  console.error(`\n${failures.length} case(s) failed: ${failures.map((f) => f.id).join(', ')}`);
  process.exitCode = 1;
} else if (!quick) {
  updateReadme(record, new URL('./README.md', import.meta.url), recordName);
  console.log('updated the results section of README.md');
}

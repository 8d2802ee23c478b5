import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runQuickstart } from './quickstart.js';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    data: { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string', default: 'runs/quickstart' },
    backend: { type: 'string', default: 'auto' },
    workers: { type: 'string', default: 'auto' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(`Usage: pnpm start [-- --full] [--data DIR] [--epochs N] [--seed N] [--out DIR] [--backend auto|wasm|cpu|tensorflow]
                 [--workers N|auto]

Pretrains SimCLR on Fashion-MNIST (the shipped 10k/2k subset, or all of it with --full), then compares
SimCLR's representation with the same encoder untrained and with raw pixels (kNN and linear evaluation),
prints the table and writes report.html into --out. Pretraining runs on --workers threads (default auto:
one per core).
`);
  process.exit(0);
}

const seed = values.seed === undefined ? undefined : Number(values.seed);
const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 1)) {
  process.stderr.write(`--epochs must be an integer >= 1, got "${values.epochs}"\n`);
  process.exit(2);
}
if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) {
  process.stderr.write(`--seed must be an integer >= 0, got "${values.seed}"\n`);
  process.exit(2);
}
const workers = values.workers === 'auto' ? 'auto' : Number(values.workers);
if (workers !== 'auto' && !(Number.isInteger(workers) && workers >= 1)) {
  process.stderr.write(`--workers must be an integer >= 1 or auto, got "${values.workers}"\n`);
  process.exit(2);
}
const out = resolve(process.env['INIT_CWD'] ?? process.cwd(), values.out!);
const started = performance.now();
const result = await runQuickstart({
  full: values.full!,
  ...(values.data !== undefined && {
    dataDir: resolve(process.env['INIT_CWD'] ?? process.cwd(), values.data),
  }),
  cacheDir: process.env['SIMCLR_CACHE'] ?? join(homedir(), '.cache', 'simclr'),
  out,
  ...(epochs !== undefined && { epochs }),
  ...(seed !== undefined && { seed }),
  backend: values.backend as 'auto',
  workers,
  stream: process.stderr,
  log: (line) => process.stderr.write(`${line}\n`),
});
const minutes = (performance.now() - started) / 60000;
process.stdout.write(`\n${result.table}\n\n`);
process.stdout.write(
  `pretraining: ${result.epochs} epochs in ${result.pretrainSeconds.toFixed(0)} s (${result.imagesPerSecond.toFixed(0)} images/s, ×2 views) on ${result.backend}${result.workers > 1 ? ` × ${result.workers} workers` : ''}; total ${minutes.toFixed(1)} min\n`,
);
process.stdout.write(`report: ${result.report}\n`);

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setupBackend } from '@simclr/core';
import { ABLATIONS } from './ablation-cells.js';
import { writeAblationReport } from './ablation-report.js';
import { type Cell, runCell } from './cell.js';
import { fashionMnistSplits } from './data.js';
import { RECIPE_SHORT } from './recipes.js';
import { type ResultLine, readResults } from './results.js';

const USAGE = `Usage: pnpm ablate [--group KEY,...] [--seeds N] [--workers N] [--out DIR] [--report-only]

Reproduces the SimCLR paper's ablations on the Fashion-MNIST subset shipped with the quickstart (10k train,
2k test) at a budget of a few epochs per cell: augmentation composition (Fig. 5), projection head (Fig. 8),
loss (Table 2), temperature (Table 5), batch size and epochs (Fig. 9). Each cell is pretrained with
--seeds seeds (default 3) and scored with kNN (k 200, τ 0.1) and the L-BFGS linear probe on h. Results are
appended to DIR/ablate.jsonl (a cell and seed already there is skipped, so an interrupted run continues)
and DIR/ablate.html and DIR/ablate.md are written from all of them. Groups: ${ABLATIONS.map((g) => g.key).join(', ')}.
`;

const { values } = parseArgs({
  options: {
    group: { type: 'string' },
    seeds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    out: { type: 'string', default: join(import.meta.dirname, '..', 'results') },
    'report-only': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const seeds = Number(values.seeds);
const workers = Number(values.workers);
if (!(Number.isInteger(seeds) && seeds >= 1) || !(Number.isInteger(workers) && workers >= 1)) {
  process.stderr.write('--seeds and --workers must be integers >= 1\n');
  process.exit(2);
}
const keys = values.group?.split(',') ?? ABLATIONS.map((g) => g.key);
const unknown = keys.filter((k) => !ABLATIONS.some((g) => g.key === k));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown group(s) ${unknown.join(', ')}; groups: ${ABLATIONS.map((g) => g.key).join(', ')}\n`,
  );
  process.exit(2);
}
const out = values.out!;
mkdirSync(out, { recursive: true });
const file = join(out, 'ablate.jsonl');

if (!values['report-only']) {
  const backend = await setupBackend('auto');
  const data = await fashionMnistSplits('subset');
  const done = new Set(readResults(file).map((r) => `${r.group}/${r.name}/${r.seed}`));
  // Cells with the same settings (the recipe appears in several groups) are trained once per seed.
  const settingsKey = (cell: Cell, seed: number) => JSON.stringify({ ...cell, name: '', seed });
  process.stderr.write(
    `ablations on ${data.train.size}/${data.test.size} Fashion-MNIST images, ${backend.name} × ${workers} workers, ${seeds} seeds\n`,
  );
  for (const group of ABLATIONS.filter((g) => keys.includes(g.key))) {
    for (const cell of group.cells) {
      for (let seed = 0; seed < seeds; seed++) {
        if (done.has(`${group.key}/${cell.name}/${seed}`)) continue;
        const same = readResults(file).find(
          (r) =>
            settingsKey(r.cell, r.seed) === settingsKey(cell, seed) && (!group.scoreZ || r.z !== undefined),
        );
        let result: ResultLine;
        try {
          result =
            same !== undefined
              ? { ...same, name: cell.name, cell, sameAs: `${same.group}/${same.name}` }
              : await runCell(cell, data, {
                  seed,
                  workers,
                  // The recipe's own cell is shared with the head group, which scores z too.
                  scoreZ: group.scoreZ === true || settingsKey(cell, 0) === settingsKey(RECIPE_SHORT, 0),
                });
        } catch (error) {
          // One failing cell does not cost the others; it is reported and missing from the tables.
          process.stderr.write(
            `${group.key} | ${cell.name} | seed ${seed}: failed: ${(error as Error).message}\n`,
          );
          continue;
        }
        appendFileSync(file, `${JSON.stringify({ ...result, group: group.key })}\n`);
        process.stderr.write(
          `${group.key} | ${cell.name} | seed ${seed}: kNN ${(100 * result.h.knnTop1).toFixed(1)}%, linear ${(100 * result.h.linearTop1).toFixed(1)}%` +
            `${result.z ? ` (z: ${(100 * result.z.knnTop1).toFixed(1)}%, ${(100 * result.z.linearTop1).toFixed(1)}%)` : ''}, ${result.pretrainSeconds.toFixed(0)} s\n`,
        );
      }
    }
  }
}
if (!existsSync(file)) {
  process.stderr.write(`no results in ${file} yet\n`);
  process.exit(1);
}
const written = writeAblationReport(readResults(file), out);
process.stdout.write(readFileSync(written.markdown, 'utf8'));
process.stderr.write(`report: ${written.html}\n`);

import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setupBackend } from '@simclr/core';
import { type Cell, runCell } from './cell.js';
import { type DataChoice, fashionMnistSplits } from './data.js';
import { readResults } from './results.js';
import { SWEEP } from './sweep-cells.js';
import { writeSweepTable } from './sweep-table.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'full' },
    only: { type: 'string' },
    seed: { type: 'string', default: '0' },
    workers: { type: 'string', default: '2' },
    'table-only': { type: 'boolean', default: false },
    out: { type: 'string', default: join(import.meta.dirname, '..', 'results', 'sweep.jsonl') },
  },
});

if (values['table-only']) {
  process.stdout.write(`${writeSweepTable(readResults(values.out!), join(values.out!, '..'))}\n`);
  process.exit(0);
}
await setupBackend('auto');
const data = await fashionMnistSplits(values.data as DataChoice);
const only = values.only?.split(',');
const cells: Cell[] =
  only === undefined
    ? SWEEP
    : only.map((n) => {
        const c = SWEEP.find((s) => s.name === n);
        if (c === undefined)
          throw new Error(`no sweep cell "${n}"; cells: ${SWEEP.map((s) => s.name).join(', ')}`);
        return c;
      });
mkdirSync(join(values.out!, '..'), { recursive: true });
for (const cell of cells) {
  const result = await runCell(cell, data, {
    seed: Number(values.seed),
    workers: Number(values.workers),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  appendFileSync(values.out!, `${JSON.stringify({ data: values.data, ...result })}\n`);
  process.stdout.write(
    `${cell.name.padEnd(28)} kNN ${(100 * result.h.knnTop1).toFixed(2)}  linear ${(100 * result.h.linearTop1).toFixed(2)}` +
      `  (${result.h.linearIterations} it${result.h.linearConverged ? '' : ', not converged'})  pretrain ${result.pretrainSeconds.toFixed(0)} s  eval ${result.evalSeconds.toFixed(0)} s\n`,
  );
}
process.stderr.write(`table: ${writeSweepTable(readResults(values.out!), join(values.out!, '..'))}\n`);

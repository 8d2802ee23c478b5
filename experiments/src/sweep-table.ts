import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultLine } from './results.js';

const pct = (x: number) => (100 * x).toFixed(2);

/** The sweep's results as a markdown table, in the order they ran, each row against the baseline. */
export function sweepTable(lines: readonly ResultLine[]): string {
  const base = lines.find((l) => l.name === 'baseline' && l.data === 'full');
  const rows = lines.map((l) => {
    const d = (now: number, was: number | undefined) =>
      was === undefined || l === base ? '' : ` (${now >= was ? '+' : ''}${(100 * (now - was)).toFixed(1)})`;
    return `| ${l.name} | ${l.data ?? ''} | ${l.epochs} | ${l.batchSize} | ${pct(l.h.knnTop1)}${d(l.h.knnTop1, base?.h.knnTop1)} | ${pct(l.h.linearTop1)}${d(l.h.linearTop1, base?.h.linearTop1)} | ${l.pretrainSeconds.toFixed(0)} |`;
  });
  return [
    '| cell | data | epochs | batch | kNN top-1 % | linear top-1 % | pretrain s |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Writes `sweep.md` beside the results file. */
export function writeSweepTable(lines: readonly ResultLine[], dir: string): string {
  const file = join(dir, 'sweep.md');
  writeFileSync(file, `${sweepTable(lines)}\n`);
  return file;
}

import { existsSync, readFileSync } from 'node:fs';
import type { CellResult } from './cell.js';

/** One line of a results file: a cell's result, with the group it ran in. */
export type ResultLine = CellResult & { group?: string; data?: string; sameAs?: string };

/** Every result line of a JSON-lines file (none when it does not exist). */
export function readResults(file: string): ResultLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ResultLine);
}

/** Mean and sample standard deviation (0 for one value). */
export function meanSd(values: readonly number[]): { mean: number; sd: number; n: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? 0 : Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n };
}

/** "88.1 ± 0.3" in percent. */
export function pct(stat: { mean: number; sd: number; n: number }): string {
  return `${(100 * stat.mean).toFixed(1)}${stat.n > 1 ? ` ± ${(100 * stat.sd).toFixed(1)}` : ''}`;
}

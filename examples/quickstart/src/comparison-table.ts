import type { ResultRow } from '@simclr/eval/report';

const pct = (v: number | undefined) => (v === undefined ? '     -' : `${(100 * v).toFixed(1).padStart(5)}%`);

/** The printed comparison: one row per representation, with SimCLR's margins over the best baseline. */
export function comparisonTable(rows: readonly ResultRow[]): string {
  const width = Math.max(...rows.map((r) => r.representation.length), 'representation'.length);
  const header = `${'representation'.padEnd(width)}   kNN top-1   linear top-1   kNN top-5   linear top-5`;
  const lines = rows.map(
    (r) =>
      `${r.representation.padEnd(width)}   ${pct(r.knnTop1).padStart(9)}   ${pct(r.linearTop1).padStart(12)}   ${pct(r.knnTop5).padStart(9)}   ${pct(r.linearTop5).padStart(12)}`,
  );
  const [ours, ...baselines] = rows;
  const margin = (key: 'knnTop1' | 'linearTop1') => {
    const best = Math.max(...baselines.map((b) => b[key] ?? 0));
    const d = 100 * ((ours?.[key] ?? 0) - best);
    return `${d >= 0 ? '+' : ''}${d.toFixed(1)} points`;
  };
  return [
    header,
    '-'.repeat(header.length),
    ...lines,
    '',
    `SimCLR vs the best baseline: kNN ${margin('knnTop1')}, linear ${margin('linearTop1')}`,
  ].join('\n');
}

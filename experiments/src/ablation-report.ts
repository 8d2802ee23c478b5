import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABLATIONS, type AblationGroup } from './ablation-cells.js';
import { type CellStats, cellStats, verdict } from './ablation-verdict.js';
import { pct, type ResultLine } from './results.js';

function groupTable(group: AblationGroup, stats: readonly CellStats[]): string[][] {
  const header = group.scoreZ
    ? ['cell', 'seeds', 'kNN h', 'linear h', 'kNN z', 'linear z', 'pretrain s']
    : ['cell', 'seeds', 'kNN h', 'linear h', 'pretrain s'];
  const rows = stats.map((s) => [
    s.name,
    String(s.seeds),
    pct(s.knn),
    pct(s.linear),
    ...(group.scoreZ ? [s.zKnn ? pct(s.zKnn) : '–', s.zLinear ? pct(s.zLinear) : '–'] : []),
    s.seconds.toFixed(0),
  ]);
  return [header, ...rows];
}

function markdownTable(rows: string[][]): string {
  const [header, ...body] = rows as [string[], ...string[][]];
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function htmlTable(rows: string[][]): string {
  const [header, ...body] = rows as [string[], ...string[][]];
  return `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/**
 * Writes `ablate.md` and `ablate.html` into `dir`: per group its table (mean ± sample standard deviation
 * over seeds, in %), the paper's finding, and whether the means show it (judged on linear top-1).
 */
export function writeAblationReport(
  lines: readonly ResultLine[],
  dir: string,
): { markdown: string; html: string } {
  const sections = ABLATIONS.flatMap((group) => {
    const stats = cellStats(group, lines);
    if (stats.length === 0) return [];
    return [{ group, stats, table: groupTable(group, stats), verdict: verdict(group, stats) }];
  });
  const markdown = sections
    .map(
      (s) =>
        `### ${s.group.title} (paper: ${s.group.paper})\n\nPaper: ${s.group.direction}. Here: **${s.verdict}**.\n\n${markdownTable(s.table)}\n`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SimCLR ablations on Fashion-MNIST</title>
<style>body{font:14px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}
td:first-child,th:first-child{text-align:left}.agrees{color:#176b2c}.differs{color:#9a3412}</style></head><body>
<h1>SimCLR ablations on Fashion-MNIST</h1>
<p>Each cell: the Fashion-MNIST subset (10,000 train / 2,000 test images), scored on the representation h
with a weighted kNN (k = 200, τ = 0.1) and the L-BFGS linear probe; mean ± standard deviation over seeds, in %.
A group agrees with the paper when its linear top-1 means are ordered as the paper found.</p>
${sections
  .map(
    (s) =>
      `<h2>${escapeHtml(s.group.title)} <small>(paper: ${escapeHtml(s.group.paper)})</small></h2>
<p>Paper: ${escapeHtml(s.group.direction)}. Here: <b class="${s.verdict.startsWith('agrees') ? 'agrees' : 'differs'}">${escapeHtml(s.verdict)}</b>.</p>
${htmlTable(s.table)}`,
  )
  .join('\n')}
</body></html>
`;
  const md = join(dir, 'ablate.md');
  const page = join(dir, 'ablate.html');
  writeFileSync(md, markdown);
  writeFileSync(page, html);
  return { markdown: md, html: page };
}

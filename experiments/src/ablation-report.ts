import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABLATIONS, type AblationGroup } from './ablation-cells.js';
import { meanSd, pct, type ResultLine } from './results.js';

type Stat = ReturnType<typeof meanSd>;

/** A cell's statistics over its seeds. */
interface CellStats {
  name: string;
  seeds: number;
  knn: Stat;
  linear: Stat;
  zKnn?: Stat;
  zLinear?: Stat;
  seconds: number;
}

function cellStats(group: AblationGroup, lines: readonly ResultLine[]): CellStats[] {
  return group.cells.flatMap((cell) => {
    const mine = lines.filter((l) => l.group === group.key && l.name === cell.name);
    if (mine.length === 0) return [];
    const zs = mine.flatMap((l) => (l.z ? [l.z] : []));
    return [
      {
        name: cell.name,
        seeds: mine.length,
        knn: meanSd(mine.map((l) => l.h.knnTop1)),
        linear: meanSd(mine.map((l) => l.h.linearTop1)),
        ...(zs.length > 0 && {
          zKnn: meanSd(zs.map((z) => z.knnTop1)),
          zLinear: meanSd(zs.map((z) => z.linearTop1)),
        }),
        seconds: meanSd(mine.map((l) => l.pretrainSeconds)).mean,
      },
    ];
  });
}

/** Linear top-1 mean of the named cell. */
function lin(stats: readonly CellStats[], name: string): number {
  return stats.find((s) => s.name === name)?.linear.mean ?? Number.NaN;
}

/** Whether the group's cells show the paper's direction (on linear top-1 means), and why not. */
function verdict(group: AblationGroup, stats: readonly CellStats[]): string {
  if (stats.length < group.cells.length) return 'incomplete';
  const fails: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) fails.push(what);
  };
  switch (group.key) {
    case 'augment': {
      const both = lin(stats, 'crop + colour');
      check(both > lin(stats, 'crop alone'), 'crop alone is not below crop + colour');
      check(both > lin(stats, 'colour alone'), 'colour alone is not below crop + colour');
      break;
    }
    case 'head': {
      const [none, linear, nonlinear] = ['no projection', 'linear projection', 'nonlinear projection'].map(
        (n) => lin(stats, n),
      ) as [number, number, number];
      check(nonlinear > linear, 'nonlinear is not above linear');
      check(linear > none, 'linear is not above none');
      for (const s of stats) {
        if (s.name !== 'no projection' && s.zLinear !== undefined) {
          check(s.linear.mean > s.zLinear.mean, `${s.name}: h is not above z`);
        }
      }
      break;
    }
    case 'loss': {
      const xent = lin(stats, 'NT-Xent');
      check(xent > lin(stats, 'NT-Logistic'), 'NT-Logistic is not below NT-Xent');
      check(xent > lin(stats, 'margin triplet'), 'margin triplet is not below NT-Xent');
      break;
    }
    case 'temperature': {
      const best = stats.reduce((a, b) => (b.linear.mean > a.linear.mean ? b : a));
      check(best !== stats[0] && best !== stats.at(-1), `the best τ is an extreme (${best.name})`);
      break;
    }
    case 'batch': {
      const at = (b: number, e: number) => lin(stats, `batch ${b}, ${e} epochs`);
      const batches = [...new Set(stats.map((s) => Number(/batch (\d+)/.exec(s.name)![1])))];
      const epochs = [...new Set(stats.map((s) => Number(/(\d+) epochs/.exec(s.name)![1])))];
      const [few, many] = [epochs[0]!, epochs.at(-1)!];
      for (let i = 1; i < batches.length; i++) {
        check(
          at(batches[i]!, few) > at(batches[i - 1]!, few),
          `batch ${batches[i]} is not above ${batches[i - 1]} at ${few} epochs`,
        );
      }
      for (const b of batches)
        check(at(b, many) > at(b, few), `batch ${b}: ${many} epochs are not above ${few}`);
      const spread = (e: number) =>
        Math.max(...batches.map((b) => at(b, e))) - Math.min(...batches.map((b) => at(b, e)));
      check(spread(many) < spread(few), `the gap between batch sizes does not narrow with epochs`);
      break;
    }
  }
  const spread = Math.max(...stats.map((s) => s.linear.sd));
  const note = spread > 0 ? ` (seed spread up to ${(100 * spread).toFixed(1)} points of linear top-1)` : '';
  return `${fails.length === 0 ? 'agrees' : `differs: ${fails.join('; ')}`}${note}`;
}

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

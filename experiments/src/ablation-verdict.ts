import type { AblationGroup } from './ablation-cells.js';
import { meanSd, type ResultLine } from './results.js';

type Stat = ReturnType<typeof meanSd>;

/** A cell's statistics over its seeds. */
export interface CellStats {
  name: string;
  seeds: number;
  knn: Stat;
  linear: Stat;
  zKnn?: Stat;
  zLinear?: Stat;
  seconds: number;
}

/** The cells of `group` that have results, each with its accuracies' mean and spread over seeds. */
export function cellStats(group: AblationGroup, lines: readonly ResultLine[]): CellStats[] {
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

/**
 * Whether the group's cells show the paper's direction, judged on the means of linear top-1: `agrees`,
 * `differs: <each failed comparison>` or `incomplete` (a cell has no result), followed by the largest
 * seed standard deviation when there is one.
 */
export function verdict(group: AblationGroup, stats: readonly CellStats[]): string {
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
      check(
        lin(stats, 'NT-Logistic') > lin(stats, 'margin triplet'),
        'margin triplet is not below NT-Logistic',
      );
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

import { describe, expect, it } from 'vitest';
import { ABLATIONS } from '../src/ablation-cells.js';
import { cellStats, verdict } from '../src/ablation-verdict.js';
import type { ResultLine } from '../src/results.js';

/** A result line with only what the verdict reads: linear (and kNN) top-1 of h, and of z when given. */
function line(group: string, name: string, linear: number, z?: number): ResultLine {
  const scores = (top1: number) => ({
    knnTop1: top1 - 0.05,
    linearTop1: top1,
    linearIterations: 1000,
    linearConverged: false,
  });
  return {
    group,
    name,
    seed: 0,
    h: scores(linear),
    ...(z !== undefined && { z: scores(z) }),
    pretrainSeconds: 30,
  } as unknown as ResultLine;
}

function judge(
  key: string,
  results: Record<string, number | number[]>,
  z: Record<string, number> = {},
): string {
  const group = ABLATIONS.find((g) => g.key === key)!;
  const lines = Object.entries(results).flatMap(([name, values]) =>
    (Array.isArray(values) ? values : [values]).map((v) => line(key, name, v, z[name])),
  );
  return verdict(group, cellStats(group, lines));
}

const batch = (at2: number[], at6: number[]) =>
  Object.fromEntries(
    [64, 256, 1024].flatMap((b, i) => [
      [`batch ${b}, 2 epochs`, at2[i]!],
      [`batch ${b}, 6 epochs`, at6[i]!],
    ]),
  );

describe("the ablation verdict against the paper's direction", () => {
  const cases: [string, string, Record<string, number | number[]>, Record<string, number>, string][] = [
    [
      'augment',
      'both beat each alone',
      { 'crop alone': 0.8, 'colour alone': 0.81, 'crop + colour': 0.83 },
      {},
      'agrees',
    ],
    [
      'augment',
      'colour alone is best',
      { 'crop alone': 0.8, 'colour alone': 0.84, 'crop + colour': 0.83 },
      {},
      'differs: colour alone is not below crop + colour',
    ],
    ['augment', 'a cell without results', { 'crop alone': 0.8, 'crop + colour': 0.83 }, {}, 'incomplete'],
    [
      'head',
      'nonlinear > linear > none and h > z',
      { 'no projection': 0.8, 'linear projection': 0.81, 'nonlinear projection': 0.82 },
      { 'no projection': 0.8, 'linear projection': 0.79, 'nonlinear projection': 0.78 },
      'agrees',
    ],
    [
      'head',
      'z above h for the nonlinear head, linear below none',
      { 'no projection': 0.81, 'linear projection': 0.8, 'nonlinear projection': 0.82 },
      { 'no projection': 0.81, 'linear projection': 0.79, 'nonlinear projection': 0.83 },
      'differs: linear is not above none; nonlinear projection: h is not above z',
    ],
    [
      'loss',
      'the paper order',
      { 'NT-Xent': 0.83, 'NT-Logistic': 0.82, 'margin triplet': 0.81 },
      {},
      'agrees',
    ],
    [
      'loss',
      'NT-Logistic and margin triplet tied',
      { 'NT-Xent': 0.83, 'NT-Logistic': 0.82, 'margin triplet': 0.82 },
      {},
      'differs: margin triplet is not below NT-Logistic',
    ],
    [
      'temperature',
      'an interior optimum',
      { 'τ = 0.05': 0.8, 'τ = 0.1': 0.83, 'τ = 0.2': 0.82, 'τ = 0.5': 0.81, 'τ = 1': 0.8 },
      {},
      'agrees',
    ],
    [
      'temperature',
      'the largest τ is best',
      { 'τ = 0.05': 0.8, 'τ = 0.1': 0.81, 'τ = 0.2': 0.82, 'τ = 0.5': 0.82, 'τ = 1': 0.83 },
      {},
      'differs: the best τ is an extreme (τ = 1)',
    ],
    [
      'batch',
      'larger is better, more epochs narrow the gap',
      batch([0.8, 0.81, 0.83], [0.84, 0.845, 0.85]),
      {},
      'agrees',
    ],
    [
      'batch',
      'batch 1024 gains nothing from epochs and the gap widens',
      batch([0.8, 0.81, 0.83], [0.8, 0.85, 0.83]),
      {},
      'differs: batch 64: 6 epochs are not above 2; batch 1024: 6 epochs are not above 2; the gap between batch sizes does not narrow with epochs',
    ],
    [
      'loss',
      'two seeds: the note gives the largest sample standard deviation',
      { 'NT-Xent': [0.83, 0.85], 'NT-Logistic': [0.82, 0.82], 'margin triplet': [0.81, 0.81] },
      {},
      'agrees (seed spread up to 1.4 points of linear top-1)',
    ],
  ];
  for (const [group, what, results, z, expected] of cases) {
    it(`${group}: ${what}`, () => {
      expect(judge(group, results, z)).toBe(expected);
    });
  }

  it('averages each cell over its seeds and keeps only the group asked for', () => {
    const group = ABLATIONS.find((g) => g.key === 'loss')!;
    const stats = cellStats(group, [
      line('loss', 'NT-Xent', 0.8),
      line('loss', 'NT-Xent', 0.9),
      line('temperature', 'NT-Xent', 0.1),
    ]);
    expect(stats).toHaveLength(1);
    expect(stats[0]!.seeds).toBe(2);
    expect(stats[0]!.linear.mean).toBeCloseTo(0.85, 12);
    expect(stats[0]!.linear.sd).toBeCloseTo(Math.SQRT2 * 0.05, 12);
    expect(stats[0]!.knn.mean).toBeCloseTo(0.8, 12);
  });
});

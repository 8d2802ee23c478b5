import { createRng, type Rng, SimclrError } from '@simclr/core';
import { describe, expect, it } from 'vitest';

const TWO_POW_32 = 2 ** 32;

/** The raw 32-bit outputs: next() is uint32 / 2^32, which a double holds exactly. */
function words(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.next() * TWO_POW_32);
}

/** Pearson's χ² statistic of observed counts against equal expected counts. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
}

// Expected values below come from rng-vectors.c (next to this file): the reference xoshiro128** 1.1 C
// code plus a C copy of createRng's seeding, compiled with g++ and run (see the command in its header).
describe('createRng: known streams', () => {
  it('reproduces the reference xoshiro128** 1.1 outputs from state (1, 2, 3, 4)', () => {
    // The same ten numbers are the reference vector in the rand_xoshiro crate's test suite.
    const rng = createRng(0);
    rng.setState([1, 2, 3, 4]);
    expect(words(rng, 10)).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('seeds through 32-bit SplitMix exactly as the C reference does', () => {
    const rng = createRng(42);
    expect(rng.getState()).toEqual([939911724, 3948730756, 321366731, 3317318717]);
    expect(words(rng, 6)).toEqual([2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290]);
    expect(createRng(0).getState()).toEqual([2462723854, 1020716019, 454327756, 1275600319]);
    expect(words(createRng(0), 6)).toEqual([
      3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335,
    ]);
    expect(words(createRng(-1), 6)).toEqual([
      835879718, 1921286648, 2356205009, 1885780724, 980451116, 1053911718,
    ]);
  });

  it('reduces the seed to 32 bits', () => {
    expect(createRng(2 ** 32 + 42).getState()).toEqual(createRng(42).getState());
    expect(createRng(-1).getState()).toEqual(createRng(2 ** 32 - 1).getState());
  });
});

describe('createRng: determinism and state', () => {
  const draw = (rng: Rng) => [
    rng.next(),
    rng.uniform(-3, 5),
    rng.int(1000),
    rng.normal(1, 2),
    rng.bernoulli(0.3),
    rng.shuffle([1, 2, 3, 4, 5, 6]),
  ];

  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRng(7);
    const b = createRng(7);
    expect(Array.from({ length: 50 }, () => draw(b))).toEqual(Array.from({ length: 50 }, () => draw(a)));
    expect(words(createRng(7), 8)).not.toEqual(words(createRng(8), 8));
  });

  it('getState/setState resume bit-exactly, across every kind of draw', () => {
    const rng = createRng(123);
    for (let i = 0; i < 17; i++) draw(rng);
    const saved = rng.getState();
    const expected = Array.from({ length: 20 }, () => draw(rng));
    const resumed = createRng(999);
    resumed.setState(saved);
    expect(Array.from({ length: 20 }, () => draw(resumed))).toEqual(expected);
    expect(resumed.getState()).toEqual(rng.getState());
  });

  it('getState returns a copy that later draws do not change', () => {
    const rng = createRng(5);
    const state = rng.getState();
    const copy = [...state];
    rng.next();
    expect(state).toEqual(copy);
    expect(rng.getState()).not.toEqual(copy);
  });
});

describe('fork', () => {
  it('advances the parent and gives an independent, reproducible child', () => {
    const parent = createRng(2024);
    const child = parent.fork();
    const sibling = parent.fork();
    const twin = createRng(2024).fork();
    const childWords = words(child, 1000);
    expect(words(twin, 1000)).toEqual(childWords);
    const parentWords = words(parent, 1000);
    const siblingWords = words(sibling, 1000);
    expect(childWords).not.toEqual(parentWords);
    expect(childWords).not.toEqual(siblingWords);
    expect(words(createRng(2024), 4)).not.toEqual(childWords.slice(0, 4));
    // Independence: the streams are uncorrelated (|r| of 1000 pairs of uniforms is ~0.03 by chance).
    const corr = (a: number[], b: number[]) => {
      const n = a.length;
      const ma = a.reduce((s, v) => s + v, 0) / n;
      const mb = b.reduce((s, v) => s + v, 0) / n;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let i = 0; i < n; i++) {
        sab += (a[i]! - ma) * (b[i]! - mb);
        saa += (a[i]! - ma) ** 2;
        sbb += (b[i]! - mb) ** 2;
      }
      return sab / Math.sqrt(saa * sbb);
    };
    expect(Math.abs(corr(childWords, parentWords))).toBeLessThan(0.1);
    expect(Math.abs(corr(childWords, siblingWords))).toBeLessThan(0.1);
  });

  it('always yields a valid state, whatever the parent draws', () => {
    const parent = createRng(77);
    const valid = Array.from({ length: 200 }, () => parent.fork().getState()).every((state) =>
      state.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32),
    );
    expect(valid).toBe(true);
  });
});

describe('distributions', () => {
  it('next() is in [0, 1)', () => {
    const rng = createRng(1);
    const values = Array.from({ length: 10_000 }, () => rng.next());
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('int(n) stays in [0, n) for small, odd and 2^32-sized n', () => {
    const rng = createRng(2);
    for (const n of [1, 2, 3, 7, 1000, 2 ** 31 + 1, 2 ** 32]) {
      const values = Array.from({ length: 500 }, () => rng.int(n));
      expect(
        values.every((v) => Number.isInteger(v) && v >= 0 && v < n),
        `n = ${n}`,
      ).toBe(true);
    }
  });

  it('int(10) is uniform: χ² of 10k draws is below the 0.1% critical value (27.88, 9 d.o.f.)', () => {
    const rng = createRng(3);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) counts[rng.int(10)]!++;
    expect(chiSquare(counts)).toBeLessThan(27.88);
  });

  it('uniform(lo, hi) stays in [lo, hi), also far from zero where lo + (hi − lo)·u can round to hi', () => {
    const rng = createRng(4);
    const near = Array.from({ length: 10_000 }, () => rng.uniform(-2, 3));
    expect(near.every((v) => v >= -2 && v < 3)).toBe(true);
    // Doubles near 1e15 are 0.125 apart, so about one draw in 16 used to round up to hi.
    const far = Array.from({ length: 10_000 }, () => rng.uniform(1e15, 1e15 + 1));
    expect(far.every((v) => v >= 1e15 && v < 1e15 + 1)).toBe(true);
    expect(rng.uniform(2.5, 2.5)).toBe(2.5);
  });

  it('normal() has the requested mean and standard deviation', () => {
    const rng = createRng(5);
    const n = 20_000;
    const xs = Array.from({ length: n }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    // Standard errors: 1/√n ≈ 0.007 for the mean, ≈ 0.005 for the std.
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
    const scaled = Array.from({ length: n }, () => rng.normal(5, 2));
    const m2 = scaled.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(m2 - 5)).toBeLessThan(0.06);
    expect(rng.normal(3, 0)).toBe(3);
  });

  it('bernoulli(p) is true with frequency p', () => {
    const rng = createRng(6);
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (rng.bernoulli(0.3)) hits++;
    expect(Math.abs(hits / 10_000 - 0.3)).toBeLessThan(0.015);
    expect(Array.from({ length: 100 }, () => rng.bernoulli(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => rng.bernoulli(1)).every(Boolean)).toBe(true);
  });

  it('shuffle returns the same array, permuted, with every order equally likely', () => {
    const rng = createRng(8);
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = rng.shuffle(items);
    expect(shuffled).toBe(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffled).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const orders = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = rng.shuffle(['a', 'b', 'c']).join('');
      orders.set(key, (orders.get(key) ?? 0) + 1);
    }
    expect(orders.size).toBe(6);
    // 5 d.o.f., 0.1% critical value 20.52.
    expect(chiSquare([...orders.values()])).toBeLessThan(20.52);
    expect(rng.shuffle([])).toEqual([]);
  });
});

describe('bad arguments raise SimclrError naming the argument, the value and what is allowed', () => {
  const rng = createRng(0);
  it.each([
    ['createRng(1.5)', () => createRng(1.5), 'seed must be a safe integer, got 1.5'],
    ['createRng(NaN)', () => createRng(Number.NaN), 'seed must be a safe integer, got NaN'],
    ['createRng(2^53)', () => createRng(2 ** 53), 'seed must be a safe integer, got 9007199254740992'],
    [
      'uniform(2, 1)',
      () => rng.uniform(2, 1),
      'uniform(lo, hi) needs finite lo <= hi with a finite hi - lo, got lo=2, hi=1',
    ],
    ['uniform(NaN, 1)', () => rng.uniform(Number.NaN, 1), 'got lo=NaN, hi=1'],
    ['uniform(-max, max)', () => rng.uniform(-Number.MAX_VALUE, Number.MAX_VALUE), 'with a finite hi - lo'],
    ['int(0)', () => rng.int(0), 'int(n) needs an integer n in [1, 2^32], got n=0'],
    ['int(2.5)', () => rng.int(2.5), 'got n=2.5'],
    ['int(2^32 + 1)', () => rng.int(2 ** 32 + 1), 'got n=4294967297'],
    [
      'normal(0, -1)',
      () => rng.normal(0, -1),
      'normal(mean, std) needs finite mean and std >= 0, got mean=0, std=-1',
    ],
    ['bernoulli(1.5)', () => rng.bernoulli(1.5), 'bernoulli(p) needs a probability p in [0, 1], got p=1.5'],
    ['bernoulli(NaN)', () => rng.bernoulli(Number.NaN), 'got p=NaN'],
    ['shuffle("abc")', () => rng.shuffle('abc' as never), 'shuffle(array) needs an array, got "abc"'],
    [
      'setState([1, 2, 3])',
      () => rng.setState([1, 2, 3] as never),
      'setState(state) needs four unsigned 32-bit integers, not all zero, got [1,2,3]',
    ],
    ['setState(zeros)', () => rng.setState([0, 0, 0, 0]), 'not all zero, got [0,0,0,0]'],
    ['setState(negative)', () => rng.setState([1, 2, 3, -1]), 'got [1,2,3,-1]'],
    ['setState(2^32)', () => rng.setState([1, 2, 3, 2 ** 32]), 'got [1,2,3,4294967296]'],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(SimclrError);
    expect(call).toThrow(message);
  });

  it('a rejected setState leaves the state unchanged', () => {
    const r = createRng(9);
    const before = r.getState();
    expect(() => r.setState([0, 0, 0, 0])).toThrow(SimclrError);
    expect(r.getState()).toEqual(before);
  });
});

import { describe, expect, it } from 'vitest';
import { bilinearTaps, SimclrError } from '../src/index.js';

/** Output `o`'s taps as `[index, weight]` pairs, padding taps (weight 0) left out. */
function tapsOf(inLength: number, outLength: number, antialias: boolean): [number, number][][] {
  const { taps, index, weight } = bilinearTaps(inLength, outLength, antialias);
  return Array.from({ length: outLength }, (_, o) =>
    Array.from({ length: taps }, (_, k): [number, number] => [
      index[o * taps + k]!,
      weight[o * taps + k]!,
    ]).filter(([, w]) => w !== 0),
  );
}

describe('bilinearTaps', () => {
  it('plain bilinear: half-pixel centres, clamped at 0, the last sample repeated', () => {
    // 4 → 8: source coordinates (o + 0.5) / 2 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, … 3.25.
    const { taps, index, weight } = bilinearTaps(4, 8);
    expect(taps).toBe(2);
    expect(Array.from(index)).toEqual([0, 1, 0, 1, 0, 1, 1, 2, 1, 2, 2, 3, 2, 3, 3, 3]);
    expect(Array.from(weight)).toEqual([
      1, 0, 0.75, 0.25, 0.25, 0.75, 0.75, 0.25, 0.25, 0.75, 0.75, 0.25, 0.25, 0.75, 0.75, 0.25,
    ]);
  });

  it('plain bilinear shrinking reads two samples whatever the scale', () => {
    expect(tapsOf(8, 2, false)).toEqual([
      [
        [1, 0.5],
        [2, 0.5],
      ],
      [
        [5, 0.5],
        [6, 0.5],
      ],
    ]);
  });

  it('antialiased shrinking: a triangle filter as wide as the scale, normalised, cut at the borders', () => {
    // 4 → 1: centre 2, half-width 4; weights 1 − |j + 0.5 − 2| / 4 = 0.625, 0.875, 0.875, 0.625 over 3.
    const [only] = tapsOf(4, 1, true);
    expect(only!.map(([i]) => i)).toEqual([0, 1, 2, 3]);
    only!.forEach(([, w], j) => {
      expect(w).toBeCloseTo([0.625, 0.875, 0.875, 0.625][j]! / 3, 15);
    });
    // 6 → 2: centres 1.5 and 4.5, half-width 3; the first output's filter runs past the top border.
    const [first] = tapsOf(6, 2, true);
    const raw = [0, 1, 2, 3].map((j) => 1 - Math.abs(j + 0.5 - 1.5) / 3);
    const total = raw.reduce((a, b) => a + b, 0);
    expect(first!.map(([i]) => i)).toEqual([0, 1, 2, 3]);
    first!.forEach(([, w], j) => {
      expect(w).toBeCloseTo(raw[j]! / total, 15);
    });
  });

  it('antialiased growing is plain bilinear, and equal lengths are the identity either way', () => {
    for (const [from, to] of [
      [4, 8],
      [5, 11],
      [3, 3],
    ] as const) {
      const plain = tapsOf(from, to, false).map((t) => {
        const merged = new Map<number, number>();
        for (const [i, w] of t) merged.set(i, (merged.get(i) ?? 0) + w);
        return [...merged].filter(([, w]) => w !== 0);
      });
      const smooth = tapsOf(from, to, true);
      expect(smooth.length).toBe(plain.length);
      smooth.forEach((t, o) => {
        expect(t.map(([i]) => i)).toEqual(plain[o]!.map(([i]) => i));
        t.forEach(([, w], k) => {
          expect(w).toBeCloseTo(plain[o]![k]![1], 14);
        });
      });
    }
    expect(tapsOf(3, 3, true)).toEqual([[[0, 1]], [[1, 1]], [[2, 1]]]);
  });

  it('every output’s weights sum to 1 and every index lies in the source', () => {
    for (const antialias of [false, true]) {
      for (const [from, to] of [
        [96, 28],
        [32, 28],
        [28, 224],
        [1, 5],
        [7, 1],
      ] as const) {
        const { taps, index, weight } = bilinearTaps(from, to, antialias);
        for (let o = 0; o < to; o++) {
          let sum = 0;
          for (let k = 0; k < taps; k++) {
            expect(index[o * taps + k]).toBeGreaterThanOrEqual(0);
            expect(index[o * taps + k]).toBeLessThan(from);
            sum += weight[o * taps + k]!;
          }
          expect(sum).toBeCloseTo(1, 12);
        }
      }
    }
  });

  it('refuses lengths that are not positive integers', () => {
    expect(() => bilinearTaps(0, 4)).toThrow(SimclrError);
    expect(() => bilinearTaps(4, 2.5)).toThrow('bilinearTaps outLength must be an integer >= 1, got 2.5');
    expect(() => bilinearTaps(4, 2, 'yes' as never)).toThrow('bilinearTaps antialias must be true or false');
  });
});

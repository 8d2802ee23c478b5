import { createRng, SimclrError } from '@simclr/core';
import { balancedSubset } from '@simclr/eval';
import { describe, expect, it } from 'vitest';

/** 10 classes of 100, interleaved, plus a class 10 of 40. */
const labels = [...Array.from({ length: 1000 }, (_, i) => i % 10), ...new Array<number>(40).fill(10)];

function counts(indices: number[]): number[] {
  const out = new Array<number>(11).fill(0);
  for (const i of indices) out[labels[i]!]!++;
  return out;
}

describe('balancedSubset', () => {
  it('keeps round(fraction × class size) of every class', () => {
    expect(counts(balancedSubset(labels, 0.1, createRng(1)))).toEqual([...new Array(10).fill(10), 4]);
    expect(counts(balancedSubset(labels, 0.05, createRng(1)))).toEqual([...new Array(10).fill(5), 2]);
    expect(counts(balancedSubset(labels, 1, createRng(1)))).toEqual([...new Array(10).fill(100), 40]);
  });

  it('returns distinct indices in increasing order', () => {
    const subset = balancedSubset(labels, 0.3, createRng(5));
    expect(subset).toEqual([...new Set(subset)].sort((a, b) => a - b));
    expect(subset.every((i) => Number.isInteger(i) && i >= 0 && i < labels.length)).toBe(true);
  });

  it('is the same for the same seed and differs between seeds', () => {
    const a = balancedSubset(labels, 0.1, createRng(42));
    expect(balancedSubset(Int32Array.from(labels), 0.1, createRng(42))).toEqual(a);
    expect(balancedSubset(labels, 0.1, createRng(43))).not.toEqual(a);
  });

  it('rejects a fraction that leaves a class empty, naming the class', () => {
    expect(() => balancedSubset(labels, 0.01, createRng(0))).toThrow(SimclrError);
    expect(() => balancedSubset(labels, 0.01, createRng(0))).toThrow(
      'fraction 0.01 leaves class 10 (40 examples) empty; use a fraction >= 0.025',
    );
  });

  it('rejects bad arguments', () => {
    const rng = createRng(0);
    for (const fraction of [0, -0.1, 1.5, Number.NaN]) {
      expect(() => balancedSubset(labels, fraction, rng)).toThrow(/^fraction must be a number in \(0, 1\]/);
    }
    expect(() => balancedSubset([0, 1, -1], 0.5, rng)).toThrow(
      'labels must be integers >= 0, got -1 at index 2',
    );
    expect(() => balancedSubset([0, 1.5], 0.5, rng)).toThrow(/labels must be integers >= 0, got 1.5/);
    expect(() => balancedSubset(labels, 0.5, {} as never)).toThrow(/^rng must be an Rng/);
  });
});

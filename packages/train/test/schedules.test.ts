import { SimclrError } from '@simclr/core';
import { scaleLearningRate, warmupCosine } from '@simclr/train';
import { describe, expect, it } from 'vitest';

describe('warmupCosine', () => {
  const lr = warmupCosine({ baseLr: 1.2, warmupSteps: 10, totalSteps: 110 });

  it('warms up linearly from 0', () => {
    expect(lr(0)).toBe(0);
    expect(lr(5)).toBeCloseTo(0.6, 12);
    expect(lr(10)).toBeCloseTo(1.2, 12);
  });

  it('decays along a cosine to 0', () => {
    expect(lr(60)).toBeCloseTo(0.6, 12); // half-way through the decay
    expect(lr(35)).toBeCloseTo(1.2 * 0.5 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(lr(110)).toBe(0);
    expect(lr(500)).toBe(0);
  });

  it('honours finalLr and no warm-up', () => {
    const f = warmupCosine({ baseLr: 1, totalSteps: 4, finalLr: 0.1 });
    expect(f(0)).toBe(1);
    expect(f(2)).toBeCloseTo(0.55, 12);
    expect(f(4)).toBe(0.1);
  });

  it('rejects bad options', () => {
    expect(() => warmupCosine({ baseLr: 1, totalSteps: 0 })).toThrow(SimclrError);
    expect(() => warmupCosine({ baseLr: 1, totalSteps: 10, warmupSteps: 11 })).toThrow(
      'warmupSteps must be an integer >= 0 and <= 10, got 11',
    );
  });
});

describe('scaleLearningRate', () => {
  it("matches the paper's two rules", () => {
    expect(scaleLearningRate(0.3, 4096, 'linear')).toBeCloseTo(4.8, 12);
    expect(scaleLearningRate(0.3, 256, 'linear')).toBeCloseTo(0.3, 12);
    expect(scaleLearningRate(0.075, 4096, 'sqrt')).toBeCloseTo(4.8, 12);
    expect(scaleLearningRate(0.075, 256, 'sqrt')).toBeCloseTo(1.2, 12);
  });

  it('rejects bad arguments', () => {
    expect(() => scaleLearningRate(0.3, 0, 'linear')).toThrow('batchSize must be an integer >= 1, got 0');
    expect(() => scaleLearningRate(0.3, 64, 'log' as never)).toThrow(
      `scaling must be one of "linear", "sqrt", got "log"`,
    );
  });
});

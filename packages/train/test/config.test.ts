import { SimclrError } from '@simclr/core';
import { parsePretrainConfig } from '@simclr/train';
import { describe, expect, it } from 'vitest';

describe('parsePretrainConfig', () => {
  it('fills in the documented defaults', () => {
    const c = parsePretrainConfig({ epochs: 2, batchSize: 64 });
    expect(c).toEqual({
      epochs: 2,
      batchSize: 64,
      seed: 0,
      optimizer: {
        name: 'lars',
        baseLearningRate: 0.3,
        lrScaling: 'linear',
        momentum: 0.9,
        weightDecay: 1e-6,
        eta: 0.001,
        warmupEpochs: 10,
      },
      loss: { name: 'nt-xent', temperature: 0.5, margin: 1 },
      checkpointEvery: 100,
      keepCheckpoints: 3,
      resume: 'auto',
    });
  });

  it('names an unknown key', () => {
    expect(() => parsePretrainConfig({ epochs: 2, batchSize: 64, optimiser: {} })).toThrow(
      'config has unknown key(s) "optimiser"',
    );
    expect(() => parsePretrainConfig({ epochs: 2, batchSize: 64, optimizer: { lr: 1 } })).toThrow(
      'config.optimizer has unknown key(s) "lr"',
    );
  });

  it('names a bad value and what was received', () => {
    expect(() => parsePretrainConfig({ epochs: 2, batchSize: 1 })).toThrow(SimclrError);
    expect(() => parsePretrainConfig({ epochs: 2, batchSize: 1 })).toThrow(
      /^config\.batchSize: .*>=\s?2.*got 1$/,
    );
    expect(() => parsePretrainConfig({ epochs: 2, batchSize: 8, optimizer: { momentum: 1.5 } })).toThrow(
      /config\.optimizer\.momentum: .*<=\s?1.*got 1\.5/,
    );
    expect(() => parsePretrainConfig({ epochs: 2, batchSize: 8, loss: { name: 'infonce' } })).toThrow(
      /config\.loss\.name: .*"nt-xent".*got "infonce"/,
    );
    expect(() => parsePretrainConfig({ batchSize: 8 })).toThrow(/config\.epochs/);
    expect(() => parsePretrainConfig({ epochs: 1, batchSize: 8, chunkSize: 16 })).toThrow(
      'config.chunkSize must be <= config.batchSize (8), got 16',
    );
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PretrainSummary } from '../src/commands/pretrain.js';
import { runCli } from './run-cli.js';

const PRETRAIN = [
  'pretrain',
  '--dataset=synthetic',
  '--limit=96',
  '--image-size=16',
  '--batch-size=16',
  '--epochs=1',
  '--backend=wasm',
  '--checkpoint-every=3',
];

describe('simclr pretrain --workers', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'simclr-workers-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('trains on 2 workers, says so, and a resume on 1 worker continues the run', async () => {
    const out = join(tmp, 'run');
    const first = await runCli(...PRETRAIN, '--workers=2', '--global-bn', `--out=${out}`);
    expect(first.code, first.err).toBe(0);
    expect(first.err).toContain('backend wasm × 2 workers (global BN), batch 16');
    expect(first.out).toMatch(/backend\s+wasm × 2 workers/);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as PretrainSummary;
    expect(summary).toMatchObject({ status: 'completed', workers: 2, steps: 6 });
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ workers: 2, globalBatchNorm: true });

    // Two more epochs from the final checkpoint, on the main thread this time.
    const more = await runCli(
      ...PRETRAIN.map((a) => (a === '--epochs=1' ? '--epochs=2' : a)),
      '--workers=1',
      `--out=${out}`,
    );
    expect(more.code, more.err).toBe(0);
    const resumed = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as PretrainSummary;
    expect(resumed).toMatchObject({ status: 'completed', workers: 1, steps: 12, resumedFrom: 6 });
  });

  it.each([
    ['--workers=0', '--workers must be an integer >= 1 or "auto", got "0"'],
    ['--workers=two', '--workers must be an integer >= 1 or "auto", got "two"'],
    [
      '--workers=3',
      '--batch-size (16) must be a multiple of --workers (3): each worker takes an equal share',
    ],
    ['--loss=sup-con --workers=2', '--loss sup-con trains on one worker: use --workers 1, got 2'],
    ['--loss=bogus', 'config.loss.name'],
  ])('%s is a usage error', async (flags, message) => {
    const r = await runCli(...PRETRAIN, ...flags.split(' '), `--out=${join(tmp, 'bad')}`, '--quiet');
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('--loss sup-con trains on the labels with its own temperature default', async () => {
    const out = join(tmp, 'supcon');
    const r = await runCli(...PRETRAIN, '--loss=sup-con', '--workers=1', `--out=${out}`, '--quiet');
    expect(r.code, r.err).toBe(0);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ loss: { name: 'sup-con', temperature: 0.1 } });
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as PretrainSummary;
    expect(summary).toMatchObject({ status: 'completed', steps: 6 });
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
  });
});

import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PretrainSummary } from '../src/commands/pretrain.js';
import { runCli } from './run-cli.js';

const BASE = {
  dataset: 'synthetic',
  limit: '64',
  'image-size': '16',
  'batch-size': '16',
  epochs: '2',
  backend: 'cpu',
  'checkpoint-every': '2',
  seed: '0',
};

function argv(out: string, changes: Record<string, string | null> = {}): string[] {
  const flags = { ...BASE, ...changes };
  return [
    'pretrain',
    ...Object.entries(flags).flatMap(([k, v]) => (v === null ? [] : v === '' ? [`--${k}`] : [`--${k}=${v}`])),
    `--out=${out}`,
    '--quiet',
  ];
}

/** Every file under `dir` with its SHA-256 and size: what "unchanged" is checked against. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else
        files[relative(dir, path)] = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
    }
  };
  await walk(dir);
  return files;
}

async function checkpointDirs(out: string): Promise<string[]> {
  return (await readdir(join(out, 'checkpoints'))).filter((n) => n.startsWith('ckpt-')).sort();
}

interface FaultCase {
  name: string;
  /** Changes the copied run directory before the call. */
  damage?: (out: string) => Promise<void>;
  /** Flags changed from the original run (null removes one). */
  flags?: Record<string, string | null>;
  code: number;
  /** What stderr must say. */
  says: RegExp;
  /** 'unchanged': every file as before the call; 'resumed': the run continued from a checkpoint. */
  after: 'unchanged' | 'resumed' | 'restarted';
}

const everyCheckpoint = (file: string) => async (out: string) => {
  for (const c of await checkpointDirs(out)) await rm(join(out, 'checkpoints', c, file));
};

const CASES: FaultCase[] = [
  {
    name: 'every manifest.json missing',
    damage: everyCheckpoint('manifest.json'),
    code: 1,
    says: /no checkpoint in .*checkpoints is intact \(.*ckpt-000000008.*ckpt-000000006.*ckpt-000000004.*\).*--resume restart/,
    after: 'unchanged',
  },
  {
    name: 'every state file missing',
    damage: everyCheckpoint('state.json'),
    code: 1,
    says: /no checkpoint in .* is intact/,
    after: 'unchanged',
  },
  {
    name: 'every model.json missing',
    damage: everyCheckpoint('model/model.json'),
    code: 1,
    says: /no checkpoint in .* is intact/,
    after: 'unchanged',
  },
  {
    name: 'every optimizer.bin cut short',
    damage: async (out) => {
      for (const c of await checkpointDirs(out)) {
        const path = join(out, 'checkpoints', c, 'optimizer.bin');
        await writeFile(path, (await readFile(path)).subarray(0, 10));
      }
    },
    code: 1,
    says: /no checkpoint in .* is intact \(.*optimizer\.bin must hold \d+ bytes, found 10/,
    after: 'unchanged',
  },
  {
    name: 'every weights file flipped by one byte',
    damage: async (out) => {
      for (const c of await checkpointDirs(out)) {
        const dir = join(out, 'checkpoints', c, 'model');
        for (const f of await readdir(dir)) {
          if (!f.endsWith('.bin')) continue;
          const bytes = await readFile(join(dir, f));
          bytes[7] = bytes[7]! ^ 0xff;
          await writeFile(join(dir, f), bytes);
        }
      }
    },
    code: 1,
    says: /no checkpoint in .* is intact/,
    after: 'unchanged',
  },
  {
    name: 'the newest checkpoint corrupt: resumes from the one before, with a warning',
    damage: async (out) => {
      const newest = (await checkpointDirs(out)).at(-1)!;
      await rm(join(out, 'checkpoints', newest, 'optimizer.json'));
    },
    flags: { epochs: '3' },
    code: 0,
    says: /skipping corrupt checkpoint .*ckpt-000000008/,
    after: 'resumed',
  },
  {
    name: 'another --batch-size',
    flags: { 'batch-size': '8' },
    code: 2,
    says: /cannot resume .*--batch-size: batchSize 16 → 8.*Nothing was written/,
    after: 'unchanged',
  },
  {
    name: 'another --limit (dataset size)',
    flags: { limit: '48', epochs: '3' },
    code: 2,
    says: /--limit: limit 64 → 48/,
    after: 'unchanged',
  },
  {
    name: 'another --model',
    flags: { model: 'resnet18', width: '0.125' },
    code: 2,
    says: /--model: model "small-cnn" → "resnet18".*--width: width 1 → 0.125/,
    after: 'unchanged',
  },
  {
    name: 'another --image-size',
    flags: { 'image-size': '24' },
    code: 2,
    says: /--image-size: imageSize 16 → 24/,
    after: 'unchanged',
  },
  {
    name: 'another --seed and --temperature',
    flags: { seed: '3', temperature: '0.2' },
    code: 2,
    says: /--seed: seed 0 → 3.*--temperature: loss\.temperature 0\.5 → 0\.2/,
    after: 'unchanged',
  },
  {
    name: 'no config.json: the checkpoint itself still refuses another --batch-size',
    damage: async (out) => rm(join(out, 'config.json')),
    flags: { 'batch-size': '8' },
    code: 2,
    says: /--batch-size: batchSize 16 → 8/,
    after: 'unchanged',
  },
  {
    name: '--resume never over existing checkpoints',
    flags: { resume: 'never' },
    code: 1,
    says: /resume is "never" but checkpoints already exist/,
    after: 'unchanged',
  },
  {
    name: 'more --epochs and another --lr: applied and reported',
    flags: { epochs: '3', lr: '0.6' },
    code: 0,
    says: /resuming with a changed setting: epochs 2 → 3.*\n.*optimizer\.baseLearningRate 0\.3 → 0\.6/,
    after: 'resumed',
  },
  {
    name: '--resume restart: starts over and replaces the run',
    flags: { resume: 'restart', 'batch-size': '8' },
    code: 0,
    says: /^$/,
    after: 'restarted',
  },
];

describe('simclr pretrain: resume faults', () => {
  let tmp = '';
  let original = '';
  let before: Record<string, string> = {};
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'simclr-resume-'));
    original = join(tmp, 'original');
    const r = await runCli(...argv(original));
    expect(r.code, r.err).toBe(0);
    expect(await checkpointDirs(original)).toEqual(['ckpt-000000004', 'ckpt-000000006', 'ckpt-000000008']);
    before = await snapshot(original);
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.name}: exit ${c.code}, ${c.after}`, async () => {
      const out = join(tmp, `case-${i}`);
      await cp(original, out, { recursive: true });
      await c.damage?.(out);
      const damaged = await snapshot(out);
      const r = await runCli(...argv(out, c.flags).filter((a) => a !== '--quiet' || c.after === 'unchanged'));
      expect(r.code, r.err).toBe(c.code);
      if (c.after !== 'restarted') expect(r.err).toMatch(c.says);
      if (c.after === 'unchanged') {
        expect(await snapshot(out)).toEqual(damaged);
        return;
      }
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as PretrainSummary;
      const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
      if (c.after === 'resumed') {
        expect(summary.resumedFrom).toBeGreaterThan(0);
        expect(config['epochs']).toBe(Number(c.flags?.['epochs']));
      } else {
        expect(summary.resumedFrom).toBeNull();
        expect(summary.steps).toBe(16);
        expect(config['batchSize']).toBe(8);
        expect(await checkpointDirs(out)).toEqual(['ckpt-000000012', 'ckpt-000000014', 'ckpt-000000016']);
        const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n');
        expect(metrics.map((l) => (JSON.parse(l) as { step: number }).step)).toEqual(
          Array.from({ length: 16 }, (_, k) => k + 1),
        );
      }
      expect((await stat(join(out, 'model'))).isDirectory()).toBe(true);
    });
  }

  it('the original run directory was only ever copied', async () => {
    expect(await snapshot(original)).toEqual(before);
  });
});

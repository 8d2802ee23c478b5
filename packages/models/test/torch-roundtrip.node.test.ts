import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupBackend } from '@simclr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportStateDict,
  inferResNetOptions,
  loadStateDict,
  resnet,
  writeSafetensors,
} from '../src/index.js';
import { readWeightsFile } from '../src/node.js';

const PYTHON = '/usr/bin/python3';
const script = join(
  dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'roundtrip',
  'torchvision_roundtrip.py',
);

/** Why the round trip cannot run here (it needs Debian's python3-torch and python3-torchvision). */
function torchMissing(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision, numpy'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} lacks torch, torchvision or numpy`;
}
const missing = torchMissing();

function python(...args: string[]): string {
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`python ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(missing !== undefined)(
  `torchvision → ours → safetensors → torchvision${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'simclr-roundtrip-'));
      await setupBackend('cpu');
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it.each([18, 50])(
      'resnet%i from torch.save comes back to torchvision with identical tensors',
      async (depth) => {
        const original = join(dir, `resnet${depth}.pt`);
        python('save', String(depth), original);
        const { format, stateDict } = await readWeightsFile(original);
        expect(format).toBe('torch');
        const options = inferResNetOptions(stateDict);
        expect(options).toMatchObject({ layout: 'torchvision', depth, stem: 'imagenet', widthMultiplier: 1 });
        const model = resnet({ depth: options.depth, stem: options.stem, inputShape: [64, 64, 3] });
        try {
          const report = loadStateDict(model, stateDict);
          expect(report.ignored.filter((k) => !k.endsWith('num_batches_tracked'))).toEqual([
            'fc.weight',
            'fc.bias',
          ]);
          const exported = join(dir, `resnet${depth}.safetensors`);
          await writeFile(exported, writeSafetensors(exportStateDict(model)));
          const result = JSON.parse(python('compare', String(depth), original, exported)) as {
            missing: string[];
            unexpected: string[];
            maxDiff: number;
          };
          expect(result).toEqual({ missing: ['fc.weight', 'fc.bias'], unexpected: [], maxDiff: 0 });
        } finally {
          model.dispose();
        }
      },
    );
  },
);

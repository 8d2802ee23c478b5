import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimclrError } from '@simclr/core';
import { type StateDict, type WeightTensor, writeSafetensors } from '@simclr/models';
import { readWeightsFile } from '@simclr/models/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeTensor,
  type ExpectedTensor,
  expectedTensors,
  FIXTURES,
  withoutLayout,
} from './fixtures/weights/fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures', 'weights');
const script = join(fixtures, 'make_weights_fixtures.py');
const PYTHON = '/usr/bin/python3';

/** Why the Python reader cannot run here, or undefined when it can (it needs numpy, not torch). */
function pythonMissing(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  const probe = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  return probe.status === 0
    ? undefined
    : `${PYTHON} has no numpy (${probe.stderr.trim().split('\n').at(-1)})`;
}
const missing = pythonMissing();

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (!SimclrError.is(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('expected a SimclrError, but nothing was thrown');
}

function describeAll(tensors: StateDict, safetensorsNames = false): Record<string, ExpectedTensor> {
  return Object.fromEntries([...tensors].map(([name, t]) => [name, describeTensor(t, safetensorsNames)]));
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'simclr-weights-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the fixtures', () => {
  it('in expected.json are the bytes of the files beside it', async () => {
    for (const [name, base64] of Object.entries(FIXTURES.files)) {
      const onDisk = await readFile(join(fixtures, name));
      expect(onDisk.toString('base64'), name).toBe(base64);
    }
  });
});

describe('readWeightsFile', () => {
  it('reads a torch.save checkpoint, finding its state dict', async () => {
    const file = await readWeightsFile(join(fixtures, 'checkpoint.pt'));
    expect(file.format).toBe('torch');
    expect(file.metadata).toBeUndefined();
    expect((file.checkpoint as Map<string, unknown>).get('epoch')).toBe(3);
    expect(describeAll(file.stateDict)).toEqual(
      Object.fromEntries(
        Object.entries(expectedTensors('checkpoint.pt')).map(([k, t]) => [k, withoutLayout(t)]),
      ),
    );
  });

  it('reads a safetensors file by its content, whatever its name', async () => {
    const path = join(dir, 'weights.bin');
    await writeFile(path, await readFile(join(fixtures, 'weights.safetensors')));
    const file = await readWeightsFile(path);
    expect(file.format).toBe('safetensors');
    expect(file.metadata).toEqual({ format: 'pt', source: 'make_weights_fixtures.py' });
    expect(file.checkpoint).toBeUndefined();
    expect([...file.stateDict.keys()]).toContain('conv.weight');
  });

  it('passes allowGlobals, key and onSkip on to the torch readers', async () => {
    const skipped: string[] = [];
    const file = await readWeightsFile(join(fixtures, 'malicious-hidden.pt'), {
      allowGlobals: [FIXTURES.expected['malicious-hidden.pt']!.global as string],
      onSkip: (name) => skipped.push(name),
    });
    expect([...file.stateDict.keys()]).toEqual(['weight']);
    expect(skipped).toEqual(['payload']);
    const model = await readWeightsFile(join(fixtures, 'model.pt'), { key: 'model' });
    expect([...model.stateDict.keys()]).toEqual(['w', 'b']);
  });

  it.each<[string, () => Promise<string>, string, string]>([
    [
      'a missing file',
      async () => join(dir, 'missing.pt'),
      'io',
      `cannot read weights file ${join('<dir>', 'missing.pt')}: it does not exist (ENOENT)`,
    ],
    ['a directory', async () => dir, 'io', 'cannot read weights file <dir>: it is a directory (EISDIR)'],
    [
      'an empty file',
      async () => {
        await writeFile(join(dir, 'empty.pt'), new Uint8Array(0));
        return join(dir, 'empty.pt');
      },
      'corrupt',
      'readWeightsFile: <dir>/empty.pt is empty',
    ],
    [
      'a file in no known format',
      async () => {
        await writeFile(join(dir, 'notes.txt'), 'hello world');
        return join(dir, 'notes.txt');
      },
      'corrupt',
      'readWeightsFile: <dir>/notes.txt is neither a safetensors file nor a torch.save checkpoint (it starts with 68 65 6c 6c 6f 20 77 6f)',
    ],
    [
      'a legacy torch file',
      async () => join(fixtures, 'legacy.pt'),
      'corrupt',
      '<fixtures>/legacy.pt: readTorchCheckpoint: this is the legacy torch.save format of PyTorch before 1.6 (a pickle, not a zip archive), which is not read; re-save it with a current PyTorch: torch.save(torch.load(path), path)',
    ],
    [
      'a pickle that calls os.system',
      async () => join(fixtures, 'malicious-os-system.pt'),
      'corrupt',
      '<fixtures>/malicious-os-system.pt: readTorchCheckpoint: archive/data.pkl references the Python global os.system, which is not allowed',
    ],
    [
      'a damaged safetensors file',
      async () => {
        const bytes = await readFile(join(fixtures, 'weights.safetensors'));
        await writeFile(join(dir, 'cut.safetensors'), bytes.subarray(0, bytes.length - 1));
        return join(dir, 'cut.safetensors');
      },
      'corrupt',
      '<dir>/cut.safetensors: readSafetensors: tensor "scalar" ends at byte 77 of the data, which has only 76 bytes (the file is cut short)',
    ],
  ])('refuses %s', async (_, path, code, message) => {
    const got = await failure(readWeightsFile(await path()));
    expect(got.code).toBe(code);
    const shown = got.message.replaceAll(dir, '<dir>').replaceAll(fixtures, '<fixtures>');
    if (message.endsWith('not allowed')) expect(shown.startsWith(message)).toBe(true);
    else expect(shown).toBe(message);
  });
});

/** Every dtype with the special values of each. */
function everyDtype(): StateDict {
  return new Map<string, WeightTensor>([
    [
      'conv.weight',
      { dtype: 'float32', shape: [2, 1, 1, 2], data: new Float32Array([0.5, -0, Number.NaN, -3.4e38]) },
    ],
    ['half', { dtype: 'float16', shape: [3], data: new Uint16Array([0x3c00, 0x8001, 0xfc00]) }],
    ['brain', { dtype: 'bfloat16', shape: [2], data: new Uint16Array([0x3f80, 0x7f80]) }],
    ['double', { dtype: 'float64', shape: [2], data: new Float64Array([1 / 3, -5e-324]) }],
    ['long', { dtype: 'int64', shape: [3], data: new BigInt64Array([2n ** 63n - 1n, -(2n ** 63n), 5n]) }],
    ['int', { dtype: 'int32', shape: [1], data: new Int32Array([-(2 ** 31)]) }],
    ['short', { dtype: 'int16', shape: [2], data: new Int16Array([-32768, 32767]) }],
    ['byte', { dtype: 'int8', shape: [3], data: new Int8Array([-128, 127, 0]) }],
    ['ubyte', { dtype: 'uint8', shape: [1], data: new Uint8Array([255]) }],
    ['mask', { dtype: 'bool', shape: [2, 1], data: new Uint8Array([1, 0]) }],
    ['scalar', { dtype: 'float32', shape: [], data: new Float32Array([42]) }],
    ['empty', { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) }],
    ['7', { dtype: 'int8', shape: [1], data: new Int8Array([7]) }],
  ]);
}

describe.skipIf(missing !== undefined)(
  `writeSafetensors, read by the independent Python reader of make_weights_fixtures.py${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('gives Python the same tensors, order and metadata, in the layout of the specification', async () => {
      const tensors = everyDtype();
      const path = join(dir, 'written.safetensors');
      await writeFile(path, writeSafetensors(tensors, { format: 'pt', note: 'é' }));
      const run = spawnSync(PYTHON, [script, '--read-safetensors', path], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const read = JSON.parse(run.stdout) as {
        metadata: Record<string, string>;
        order: string[];
        tensors: Record<string, ExpectedTensor>;
      };
      expect(read.metadata).toEqual({ format: 'pt', note: 'é' });
      expect(read.order).toEqual([...tensors.keys()]);
      expect(read.tensors).toEqual(describeAll(tensors, true));
    });
  },
);

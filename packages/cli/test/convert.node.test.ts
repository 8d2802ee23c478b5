import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, setupBackend } from '@simclr/core';
import {
  exportStateDict,
  projectionHead,
  readSafetensors,
  resnet,
  SimCLRModel,
  type StateDict,
  writeSafetensors,
} from '@simclr/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** Every tensor of `b` is the one of `a` with the same name, byte for byte, and no name is extra. */
function expectSameTensors(a: StateDict, b: StateDict): void {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [name, t] of a) {
    const u = b.get(name)!;
    expect({ name, dtype: u.dtype, shape: u.shape }).toEqual({ name, dtype: t.dtype, shape: t.shape });
    // Buffer.equals, not toEqual: a deep comparison of megabytes element by element takes seconds.
    const same = Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength).equals(
      Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
    );
    expect(same, `${name} differs`).toBe(true);
  }
}

/** A torch.save zip whose pickle calls os.system (never run: the reader refuses the global). */
const MALICIOUS = fileURLToPath(
  new URL('../../models/test/fixtures/weights/malicious-os-system.pt', import.meta.url),
);

const readTensors = async (path: string) => readSafetensors(new Uint8Array(await readFile(path))).tensors;

describe('simclr convert and --weights', () => {
  let tmp = '';
  let source = '';
  let original: StateDict;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'simclr-convert-'));
    await setupBackend('cpu');
    // A ResNet-18 (÷4, CIFAR stem) with a SimCLR head and random weights, in PyTorch names.
    const rng = createRng(3);
    const encoder = resnet({ depth: 18, stem: 'cifar', widthMultiplier: 0.25, inputShape: [32, 32, 3], rng });
    const model = new SimCLRModel({ encoder, head: projectionHead({ inputDim: 128, rng }) });
    original = exportStateDict(model);
    model.dispose();
    source = join(tmp, 'source.safetensors');
    await writeFile(source, writeSafetensors(original));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('safetensors → safetensors and safetensors → model directory → safetensors keep every tensor exactly', async () => {
    const direct = join(tmp, 'direct.safetensors');
    const r1 = await runCli('convert', source, direct, '--backend=cpu', '--quiet');
    expect(r1.code, r1.err).toBe(0);
    expect(r1.out).toMatch(/architecture\s+resnet18 \(0\.25×\), cifar stem, torchvision names/);
    expectSameTensors(original, await readTensors(direct));

    const dir = join(tmp, 'model');
    const r2 = await runCli('convert', source, dir, '--backend=cpu', '--quiet');
    expect(r2.code, r2.err).toBe(0);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    const back = join(tmp, 'back.safetensors');
    const r3 = await runCli('convert', dir, back, '--backend=cpu', '--quiet');
    expect(r3.code, r3.err).toBe(0);
    expectSameTensors(original, await readTensors(back));
  });

  it('eval --weights gives the result of eval --checkpoint on the converted directory, and writes nothing', async () => {
    const dir = join(tmp, 'for-eval');
    expect((await runCli('convert', source, dir, '--backend=cpu', '--quiet')).code).toBe(0);
    // On wasm: the cpu backend took 20 s for the two runs' ResNet-18 forward passes.
    const data = [
      '--dataset=synthetic',
      '--limit=48',
      '--image-size=32',
      '--backend=wasm',
      '--json',
      '--quiet',
    ];
    const fromWeights = await runCli('eval', 'knn', `--weights=${source}`, ...data);
    expect(fromWeights.code, fromWeights.err).toBe(0);
    const fromDir = await runCli('eval', 'knn', `--checkpoint=${dir}`, ...data);
    expect(fromDir.code, fromDir.err).toBe(0);
    const a = JSON.parse(fromWeights.out) as { result: unknown; model: { from: string } };
    const b = JSON.parse(fromDir.out) as { result: unknown };
    expect(a.model.from).toBe('weights');
    expect(a.result).toEqual(b.result);
    expect(existsSync(join(tmp, 'eval-knn.json'))).toBe(false);
  });

  it('pretrain --weights starts from the file, and refuses one that does not fit --model', async () => {
    const common = ['--dataset=synthetic', '--limit=16', '--batch-size=8', '--epochs=1', '--backend=wasm'];
    const ok = await runCli(
      'pretrain',
      ...common,
      '--model=resnet18',
      '--width=0.25',
      `--weights=${source}`,
      `--out=${join(tmp, 'run')}`,
    );
    expect(ok.code, ok.err).toBe(0);
    expect(ok.err).toContain(`initialised from ${source} (torchvision names, `);
    const config = JSON.parse(await readFile(join(tmp, 'run', 'config.json'), 'utf8')) as { weights: string };
    expect(config.weights).toBe(source);

    const bad = await runCli(
      'pretrain',
      ...common,
      '--model=resnet34',
      `--weights=${source}`,
      `--out=${join(tmp, 'bad')}`,
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/resnet\(\{ depth: 18, stem: 'cifar', widthMultiplier: 0\.25 \}\)/);
    expect(existsSync(join(tmp, 'bad'))).toBe(false);
  });

  it.each<{ name: string; args: (t: string) => string[]; code: number; message: RegExp }>([
    {
      name: 'one argument',
      args: (t) => [join(t, 'source.safetensors')],
      code: 2,
      message: /convert takes IN and OUT, got 1/,
    },
    {
      name: 'an OUT that exists',
      args: (t) => [join(t, 'source.safetensors'), join(t, 'source.safetensors')],
      code: 2,
      message: /exists; convert never replaces a file or directory/,
    },
    {
      name: 'a missing IN',
      args: (t) => [join(t, 'nope.pt'), join(t, 'x.safetensors')],
      code: 2,
      message: /IN .*nope\.pt does not exist/,
    },
    {
      name: 'a truncated file',
      args: (t) => [join(t, 'truncated.safetensors'), join(t, 'y.safetensors')],
      code: 1,
      message: /truncated\.safetensors/,
    },
    {
      name: 'a pickle that names os.system',
      args: (t) => [MALICIOUS, join(t, 'w.safetensors')],
      code: 1,
      message: /references the Python global (posix|os)\.system, which is not allowed.*--allow-globals LIST/s,
    },
    {
      name: 'a file that is no weights',
      args: (t) => [join(t, 'text.pt'), join(t, 'z')],
      code: 1,
      message: /text\.pt/,
    },
  ])('refuses $name and writes nothing', async ({ args, code, message }) => {
    const bytes = await readFile(source);
    await writeFile(join(tmp, 'truncated.safetensors'), bytes.subarray(0, bytes.length - 100));
    await writeFile(join(tmp, 'text.pt'), 'not a checkpoint\n');
    const argv = args(tmp);
    const r = await runCli('convert', ...argv, '--backend=cpu', '--quiet');
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
    expect((await readFile(source)).equals(bytes), 'the source file changed').toBe(true);
    if (argv[1] !== undefined && argv[1] !== source) expect(existsSync(argv[1])).toBe(false);
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SimclrError } from '@simclr/core';
import { loadSimCLRModel, projectionHead, SimCLRModel, smallCnn } from '@simclr/models';
import { fileSystem } from '@simclr/models/node';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { formulaImages } from './formula-images.js';

const here = dirname(fileURLToPath(import.meta.url));

function build(): SimCLRModel {
  return new SimCLRModel({
    encoder: smallCnn({ inputShape: [12, 12, 3], widths: [4, 8] }),
    head: projectionHead({ inputDim: 8, outputDim: 6 }),
  });
}

describeBackends('fileSystem save and load', ['cpu'], () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'simclr-models-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes model.json and weights.bin atomically, and overwrites', async () => {
    const model = build();
    const dir = join(root, 'nested', 'run-1');
    await model.save(fileSystem(dir));
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(json.userDefinedMetadata).toEqual({ simclr: { format: 1, encoder: 'small_cnn', head: 'head' } });
    const x = formulaImages(2);
    tf.dispose(model.project(x, { training: true }));
    await model.save(fileSystem(dir));
    // No temporary or previous directory is left beside the target.
    expect(await readdir(join(root, 'nested'))).toEqual(['run-1']);
    const loaded = await loadSimCLRModel(fileSystem(dir));
    const [a, b] = [model.encode(x), loaded.encode(x)];
    expect(b.dataSync()).toEqual(a.dataSync());
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('a saved model loads in a fresh process and gives identical h', async () => {
    const model = build();
    const x = formulaImages(3);
    tf.dispose(model.project(x, { training: true }));
    const dir = join(root, 'model');
    await model.save(fileSystem(dir));
    const h = model.encode(x);
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', tsx, join(here, 'encode-saved.ts'), dir],
      { cwd: here },
    );
    expect(Float32Array.from(JSON.parse(stdout) as number[])).toEqual(h.dataSync());
    tf.dispose([x, h]);
    model.dispose();
  });

  it('an encoder saved alone loads with tf.loadLayersModel', async () => {
    const encoder = smallCnn({ inputShape: [12, 12, 3], widths: [4] });
    const dir = join(root, 'encoder');
    await encoder.save(fileSystem(dir));
    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    const x = formulaImages(2);
    const [a, b] = tf.tidy(() => [encoder.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor]);
    expect(b!.dataSync()).toEqual(a!.dataSync());
    tf.dispose([x, a!, b!]);
    encoder.dispose();
    loaded.dispose();
  });

  it('fails with a SimclrError naming the path when there is nothing to load', async () => {
    const missing = join(root, 'missing');
    await expect(loadSimCLRModel(fileSystem(missing))).rejects.toThrow(SimclrError);
    await expect(loadSimCLRModel(fileSystem(missing))).rejects.toThrow(
      `could not read ${join(missing, 'model.json')}`,
    );
    await writeFile(join(root, 'model.json'), '{not json');
    await expect(loadSimCLRModel(fileSystem(root))).rejects.toThrow(/model.json is not valid JSON/);
    expect(() => fileSystem('')).toThrow(/dir must be a non-empty path string, got ""/);
  });
});

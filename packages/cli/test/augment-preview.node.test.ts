import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** The grid's size for `rows` rows of `cell`-pixel cells: three columns, 6-pixel gaps. */
const gridSize = (rows: number, cell = 96) => ({ width: 6 + 3 * (cell + 6), height: 6 + rows * (cell + 6) });

describe('simclr augment-preview', () => {
  let tmp = '';
  let photo = '';
  beforeAll(async () => {
    await setupBackend('wasm');
    tmp = await mkdtemp(join(tmpdir(), 'simclr-preview-'));
    photo = join(tmp, 'photo.png');
    // 40×30 with an alpha channel: a red field with a green square in one corner.
    await sharp({
      create: { width: 40, height: 30, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 1 } },
    })
      .composite([
        {
          input: { create: { width: 12, height: 12, channels: 3, background: { r: 30, g: 200, b: 60 } } },
          left: 4,
          top: 4,
        },
      ])
      .png()
      .toFile(photo);
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('repeats an image file --count times, at its shorter side, and prints the path and the augmentation', async () => {
    const out = join(tmp, 'file-grid.png');
    const before = tf.memory().numTensors;
    const {
      code,
      out: stdout,
      err,
    } = await runCli('augment-preview', '--input', photo, '--out', out, '--count=3', '--backend=wasm');
    expect(code, err).toBe(0);
    expect(tf.memory().numTensors, 'tensors left behind').toBe(before);
    expect(stdout).toContain(`wrote ${out}: 3 rows of original + 2 views`);
    expect(stdout).toContain('randomResizedCrop({ size: [30, 30]');
    expect(stdout).toContain('colorJitter({ brightness: [0.6, 1.4]');
    expect(stdout).not.toContain('randomGaussianBlur');
    expect(await sharp(out).metadata()).toMatchObject({ format: 'png', ...gridSize(3) });
  });

  it('--size, --strength and --blur shape the augmentation and the cells', async () => {
    const out = join(tmp, 'sized.png');
    const {
      code,
      out: stdout,
      err,
    } = await runCli(
      'augment-preview',
      '-i',
      photo,
      '-o',
      out,
      '-n',
      '2',
      '--size=120',
      '--strength=1',
      '--blur',
      '--seed=3',
    );
    expect(code, err).toBe(0);
    expect(stdout).toContain('augmentation (strength 1, blur, seed 3)');
    expect(stdout).toContain('randomResizedCrop({ size: [120, 120]');
    expect(stdout).toContain('randomGaussianBlur(');
    expect(await sharp(out).metadata()).toMatchObject(gridSize(2, 120));
  });

  it('draws --count images from a dataset', async () => {
    const out = join(tmp, 'nested', 'synthetic.png');
    const {
      code,
      out: stdout,
      err,
    } = await runCli('augment-preview', '--input=synthetic', `--out=${out}`, '--count=5', '--image-size=16');
    expect(code, err).toBe(0);
    expect(stdout).toContain('randomResizedCrop({ size: [16, 16]');
    expect(await sharp(out).metadata()).toMatchObject(gridSize(5));
  });

  it('the same seed gives the same grid', async () => {
    const a = join(tmp, 'a.png');
    const b = join(tmp, 'b.png');
    expect((await runCli('augment-preview', '--input=synthetic', `--out=${a}`, '--seed=7')).code).toBe(0);
    expect((await runCli('augment-preview', '--input=synthetic', `--out=${b}`, '--seed=7')).code).toBe(0);
    const pixels = async (path: string) => sharp(path).raw().toBuffer();
    expect((await pixels(a)).equals(await pixels(b))).toBe(true);
  });

  it('errors name the flag and what it accepts', async () => {
    const noInput = await runCli('augment-preview', '--out', join(tmp, 'x.png'));
    expect(noInput.code).toBe(2);
    expect(noInput.err).toContain('--input is required: an image file or one of fashion-mnist');
    const noOut = await runCli('augment-preview', '--input', photo);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toContain('--out FILE is required');
    const neither = await runCli(
      'augment-preview',
      '--input',
      join(tmp, 'missing.jpg'),
      '--out',
      join(tmp, 'x.png'),
    );
    expect(neither.code).toBe(2);
    expect(neither.err).toContain('neither a dataset name nor an existing file');
    const notImage = join(tmp, 'notes.txt');
    await writeFile(notImage, 'not an image');
    const undecodable = await runCli('augment-preview', '--input', notImage, '--out', join(tmp, 'x.png'));
    expect(undecodable.code).toBe(1);
    expect(undecodable.err).toContain(`--input ${notImage} could not be read as an image`);
    const strength = await runCli(
      'augment-preview',
      '--input',
      photo,
      '--out',
      join(tmp, 'x.png'),
      '--strength=3',
    );
    expect(strength.code).toBe(2);
    expect(strength.err).toContain('--strength must be at most 2.5, got 3');
    expect(existsSync(join(tmp, 'x.png'))).toBe(false);
  });
});

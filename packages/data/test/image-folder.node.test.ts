import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimclrError } from '@simclr/core';
import { describeBackends, expectClose } from '@simclr/test-utils';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { imageFolder } from '../src/node.js';
import { pngHeader, randomBytes, toUnit } from './helpers/formats.js';

let root = '';
const pattern = randomBytes(8 * 6 * 3, 5); // an 8×6 (h×w) RGB image, stored losslessly as PNG

const png = (raw: Uint8Array, width: number, height: number, channels: 1 | 3 | 4) =>
  sharp(raw, { raw: { width, height, channels } }).png().toBuffer();
const solid = (width: number, height: number, rgb: [number, number, number]) =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'simclr-folder-'));
  const classes = join(root, 'classes');
  await mkdir(join(classes, 'dog', 'puppies'), { recursive: true });
  await mkdir(join(classes, 'cat'), { recursive: true });
  await writeFile(join(classes, 'cat', 'a.png'), await png(pattern, 6, 8, 3));
  await writeFile(
    join(classes, 'cat', 'b.JPG'),
    await solid(40, 30, [200, 10, 10]).jpeg({ quality: 100 }).toBuffer(),
  );
  await writeFile(join(classes, 'cat', 'notes.txt'), 'not an image');
  await writeFile(join(classes, 'cat', '.hidden.png'), 'ignored');
  await writeFile(
    join(classes, 'dog', 'c.webp'),
    await solid(13, 17, [0, 0, 255]).webp({ lossless: true }).toBuffer(),
  );
  await writeFile(
    join(classes, 'dog', 'puppies', 'd.png'),
    await png(
      Uint8Array.from({ length: 48 }, () => 77),
      6,
      8,
      1,
    ),
  );
  const rgba = Uint8Array.from({ length: 48 * 4 }, (_, i) => [10, 20, 30, 128][i % 4]!);
  await writeFile(join(classes, 'dog', 'e.png'), await png(rgba, 6, 8, 4));
  const flat = join(root, 'flat');
  await mkdir(flat);
  await writeFile(join(flat, '1.png'), await png(pattern, 6, 8, 3));
  await writeFile(join(flat, '2.png'), await png(pattern, 6, 8, 3));
  const bad = join(root, 'bad');
  await mkdir(join(bad, 'x'), { recursive: true });
  await writeFile(join(bad, 'x', 'broken.png'), (await png(pattern, 6, 8, 3)).subarray(0, 30));
  await mkdir(join(root, 'empty-class', 'y'), { recursive: true });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describeBackends('imageFolder', ['cpu', 'wasm', 'webgl'], () => {
  it('makes a class of each sub-folder, sorted, nested files included', async () => {
    const ds = await imageFolder({ dir: join(root, 'classes'), size: [8, 6] });
    expect(ds.size).toBe(5);
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(ds.numClasses).toBe(2);
    expect(ds.imageShape).toEqual([8, 6, 3]);
    const { images, labels } = await ds.get([0, 1, 2, 3, 4]);
    // cat/a.png, cat/b.JPG, dog/c.webp, dog/e.png, dog/puppies/d.png
    expect([...(await labels!.data())]).toEqual([0, 0, 1, 1, 1]);
    const px = (await images.data()) as Float32Array;
    const img = (i: number) => px.subarray(i * 144, (i + 1) * 144);
    expectClose(img(0), toUnit(pattern), { atol: 0 });
    expectClose(img(1).subarray(0, 3), [200 / 255, 10 / 255, 10 / 255], { atol: 3 / 255 });
    expectClose(
      img(2),
      new Float32Array(144).map((_, k) => (k % 3 === 2 ? 1 : 0)),
      { atol: 0 },
    );
    // Alpha is dropped, not composited (as PIL's convert('RGB') does).
    expectClose(img(3).subarray(0, 3), [10 / 255, 20 / 255, 30 / 255], { atol: 2 / 255 });
    expectClose(img(4), new Float32Array(144).fill(77 / 255), { atol: 0 });
    images.dispose();
    labels!.dispose();
  });

  it('gives gray images with channels = 1 and square ones with a number size', async () => {
    const ds = await imageFolder({ dir: join(root, 'classes'), size: 4, channels: 1 });
    expect(ds.imageShape).toEqual([4, 4, 1]);
    const { images, labels } = await ds.get([4]);
    expectClose(images, new Float32Array(16).fill(77 / 255), { atol: 0 });
    images.dispose();
    labels!.dispose();
  });

  it('is unlabeled when the folder holds images and no sub-folders', async () => {
    const ds = await imageFolder({ dir: join(root, 'flat'), size: [8, 6] });
    expect(ds.size).toBe(2);
    expect(ds.numClasses).toBeUndefined();
    const { images, labels } = await ds.get([1]);
    expect(labels).toBeUndefined();
    expectClose(images, toUnit(pattern), { atol: 0 });
    images.dispose();
  });

  it('refuses undecodable and oversized files at load, naming each', async () => {
    const dir = join(root, 'bad-and-huge');
    await mkdir(join(dir, 'x'), { recursive: true });
    await writeFile(join(dir, 'x', 'ok.png'), await png(pattern, 6, 8, 3));
    await writeFile(join(dir, 'x', 'broken.png'), (await png(pattern, 6, 8, 3)).subarray(0, 30));
    await writeFile(join(dir, 'x', 'text.jpg'), 'not an image');
    await writeFile(join(dir, 'x', 'huge.png'), pngHeader(20000, 20000));
    const err = await imageFolder({ dir, size: 8 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimclrError);
    const message = (err as Error).message;
    expect(message).toMatch(new RegExp(`^${dir}: 3 of 4 files are no image sharp can decode: `));
    expect(message).toContain(`${join(dir, 'x', 'broken.png')} (`);
    expect(message).toContain(
      `${join(dir, 'x', 'huge.png')} (20000×20000 pixels, more than the 268402689 sharp decodes)`,
    );
    expect(message).toContain(`${join(dir, 'x', 'text.jpg')} (`);
    expect(message).not.toContain('ok.png');
  });

  it('with probe = false names an undecodable file when its batch is read', async () => {
    const ds = await imageFolder({ dir: join(root, 'bad'), size: 8, probe: false });
    const err = await ds.get([0]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimclrError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^${join(root, 'bad', 'x', 'broken.png')}: expected an image sharp can decode to 8×8×3, found `,
      ),
    );
  });

  it('with cache = true decodes each file once', async () => {
    const dir = join(root, 'cached');
    await mkdir(join(dir, 'a'), { recursive: true });
    await writeFile(join(dir, 'a', 'p.png'), await png(pattern, 6, 8, 3));
    const cached = await imageFolder({ dir, size: [8, 6], cache: true });
    const plain = await imageFolder({ dir, size: [8, 6] });
    const first = await cached.get([0]);
    await rm(join(dir, 'a', 'p.png'));
    const again = await cached.get([0, 0]);
    expectClose(again.images, [...toUnit(pattern), ...toUnit(pattern)], { atol: 0 });
    await expect(plain.get([0])).rejects.toThrow(SimclrError);
    for (const t of [first.images, first.labels!, again.images, again.labels!]) t.dispose();
  });
});

it('imageFolder says what it expected to find', async () => {
  await expect(imageFolder({ dir: join(root, 'empty-class'), size: 8 })).rejects.toThrow(
    `${join(root, 'empty-class', 'y')}: expected image files (.jpg, .jpeg, .png, .webp, .gif, .tif, .tiff, .avif) for class "y", found none`,
  );
  await expect(imageFolder({ dir: join(root, 'nope'), size: 8 })).rejects.toThrow(
    `${join(root, 'nope')}: could not list the folder (ENOENT`,
  );
  await expect(imageFolder({ dir: root, size: 0 })).rejects.toThrow(
    'size (height) must be an integer >= 1 and <= 16384, got 0',
  );
});

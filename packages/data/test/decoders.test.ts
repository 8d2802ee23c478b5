import { describeBackends } from '@simclr/test-utils';
import { expect, it } from 'vitest';
import { fromCifarBinary, fromStl10Binary, STL10_IMAGE_BYTES } from '../src/index.js';

// Hand-placed bytes, checked against the layouts as the publishers document them, independently of
// the fixture writers in helpers/formats.ts.
describeBackends('record decoders', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('CIFAR: label byte(s), then R, G, B planes, each row-major', async () => {
    const rec = new Uint8Array(2 + 3072);
    rec[0] = 7; // coarse
    rec[1] = 42; // fine
    rec[2 + 0 * 1024 + 0 * 32 + 1] = 200; // R at row 0, column 1
    rec[2 + 1 * 1024 + 1 * 32 + 0] = 100; // G at row 1, column 0
    rec[2 + 2 * 1024 + 31 * 32 + 31] = 51; // B at row 31, column 31
    const ds = fromCifarBinary([{ name: 'r', bytes: rec }], { variant: 'cifar100' });
    const { images, labels } = await ds.get([0]);
    const px = (await images.data()) as Float32Array;
    expect(px[(0 * 32 + 1) * 3 + 0]).toBe(Math.fround(200 / 255));
    expect(px[(1 * 32 + 0) * 3 + 1]).toBe(Math.fround(100 / 255));
    expect(px[(31 * 32 + 31) * 3 + 2]).toBe(Math.fround(51 / 255));
    expect(px.reduce((n, v) => n + (v > 0 ? 1 : 0), 0)).toBe(3);
    expect([...(await labels!.data())]).toEqual([42]);
    images.dispose();
    labels!.dispose();
  });

  it('STL-10: channel by channel, each channel column by column; labels 1..10 become 0..9', async () => {
    const img = new Uint8Array(2 * STL10_IMAGE_BYTES);
    const second = STL10_IMAGE_BYTES;
    img[second + 0 * 9216 + 5 * 96 + 2] = 255; // R at row 2, column 5 of image 1
    img[second + 2 * 9216 + 0 * 96 + 95] = 17; // B at row 95, column 0 of image 1
    const ds = fromStl10Binary({ name: 'x', bytes: img }, { name: 'y', bytes: Uint8Array.of(1, 10) });
    expect(ds.size).toBe(2);
    expect(ds.imageShape).toEqual([96, 96, 3]);
    const { images, labels } = await ds.get([1]);
    const px = (await images.data()) as Float32Array;
    expect(px[(2 * 96 + 5) * 3 + 0]).toBe(1);
    expect(px[(95 * 96 + 0) * 3 + 2]).toBe(Math.fround(17 / 255));
    expect(px.reduce((n, v) => n + (v > 0 ? 1 : 0), 0)).toBe(2);
    expect([...(await labels!.data())]).toEqual([9]);
    images.dispose();
    labels!.dispose();
  });

  it('STL-10: rejects label 0 and 11, and a partial image', () => {
    const img = new Uint8Array(2 * STL10_IMAGE_BYTES);
    expect(() =>
      fromStl10Binary({ name: 'x', bytes: img }, { name: 'y.bin', bytes: Uint8Array.of(0, 3) }),
    ).toThrow('y.bin: expected labels in 1..10, found 0 at index 0');
    expect(() =>
      fromStl10Binary({ name: 'x', bytes: img }, { name: 'y.bin', bytes: Uint8Array.of(3, 11) }),
    ).toThrow('y.bin: expected labels in 1..10, found 11 at index 1');
    expect(() => fromStl10Binary({ name: 'x.bin', bytes: img.subarray(1) })).toThrow(
      'x.bin: expected whole 27648-byte images (3×96×96), found 55295 bytes (1 images and 27647 bytes over)',
    );
  });
});

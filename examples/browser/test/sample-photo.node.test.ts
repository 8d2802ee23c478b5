import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { renderSamplePhotoPixels, samplePhotoPng } from '../plugins/sample-photo.js';

/** The chunks of a PNG file, each with its CRC checked. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    out.push({ type, data });
    at += 12 + length;
  }
  return out;
}

/** The predictor of PNG filter type 4 (Paeth): whichever of left, up and up-left is nearest to left + up − up-left. */
function paeth(left: number, up: number, upLeft: number): number {
  const p = left + up - upLeft;
  const [dl, du, dul] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
  return dl <= du && dl <= dul ? left : du <= dul ? up : upLeft;
}

/**
 * Decodes an 8-bit RGB, non-interlaced PNG (as the PNG specification defines it, independent of the
 * encoder): checks the chunks, inflates the IDAT data and undoes each row's filter. Returns the filter
 * types met, so that a test can show which ones it exercised.
 */
function decodeRgbPng(png: Buffer): { width: number; height: number; rgb: Uint8Array; filters: Set<number> } {
  const parts = chunks(png);
  expect(parts[0]!.type).toBe('IHDR');
  expect(parts.at(-1)!.type).toBe('IEND');
  const header = parts[0]!.data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  // Bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
  expect([...header.subarray(8, 13)]).toEqual([8, 2, 0, 0, 0]);
  const rows = inflateSync(Buffer.concat(parts.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * 3;
  expect(rows.length).toBe(height * (1 + stride));
  const rgb = new Uint8Array(height * stride);
  const filters = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = rows[y * (1 + stride)]!;
    filters.add(filter);
    const line = rows.subarray(y * (1 + stride) + 1, (y + 1) * (1 + stride));
    for (let i = 0; i < stride; i++) {
      const left = i >= 3 ? rgb[y * stride + i - 3]! : 0;
      const up = y > 0 ? rgb[(y - 1) * stride + i]! : 0;
      const upLeft = y > 0 && i >= 3 ? rgb[(y - 1) * stride + i - 3]! : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new Error(`row ${y} has an unknown filter type ${filter}`);
      rgb[y * stride + i] = (line[i]! + predictor) & 0xff;
    }
  }
  return { width, height, rgb, filters };
}

describe('the bundled colour picture', () => {
  test('its PNG holds exactly the rendered pixels, stays under 100 KB, and the landscape is colourful', async () => {
    const size = 160;
    const pixels = renderSamplePhotoPixels(size);
    const png = await samplePhotoPng(size);
    expect(png.length).toBeLessThan(100_000);
    const decoded = decodeRgbPng(png);
    expect([decoded.width, decoded.height]).toEqual([size, size]);
    expect(Buffer.from(decoded.rgb).equals(Buffer.from(pixels))).toBe(true);
    // Rows are filtered (adaptive filtering), so the equality covers the un-filtering as well.
    expect([...decoded.filters].some((f) => f !== 0)).toBe(true);
    // Mean saturation (max − min channel) well above a gray picture's 0.
    let saturation = 0;
    for (let p = 0; p < size * size; p++) {
      const [r, g, b] = [pixels[p * 3]!, pixels[p * 3 + 1]!, pixels[p * 3 + 2]!];
      saturation += Math.max(r, g, b) - Math.min(r, g, b);
    }
    expect(saturation / (size * size)).toBeGreaterThan(60);
  });
});

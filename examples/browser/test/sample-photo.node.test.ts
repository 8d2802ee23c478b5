import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { encodePng, renderSamplePhotoPixels } from '../plugins/sample-photo.js';

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

describe('the bundled colour picture', () => {
  test('encodePng writes RGB rows that decode back to the pixels', () => {
    const width = 5;
    const height = 3;
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256);
    const parts = chunks(encodePng(rgb, width, height));
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const header = parts[0]!.data;
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]]).toEqual([
      width,
      height,
      8,
      2,
    ]);
    const rows = inflateSync(parts[1]!.data);
    for (let y = 0; y < height; y++) {
      const row = rows.subarray(y * (1 + width * 3), (y + 1) * (1 + width * 3));
      expect(row[0]).toBe(0);
      expect([...row.subarray(1)]).toEqual([...rgb.subarray(y * width * 3, (y + 1) * width * 3)]);
    }
  });

  test('the landscape is colourful and its PNG stays under 100 KB', () => {
    const size = 160;
    const pixels = renderSamplePhotoPixels(size);
    expect(encodePng(pixels, size, size).length).toBeLessThan(100_000);
    // Mean saturation (max − min channel) well above a gray picture's 0.
    let saturation = 0;
    for (let p = 0; p < size * size; p++) {
      const [r, g, b] = [pixels[p * 3]!, pixels[p * 3 + 1]!, pixels[p * 3 + 2]!];
      saturation += Math.max(r, g, b) - Math.min(r, g, b);
    }
    expect(saturation / (size * size)).toBeGreaterThan(60);
  });
});

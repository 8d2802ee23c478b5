import sharp from 'sharp';
import type { Plugin } from 'vite';

type Rgb = [number, number, number];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];
const clamp01 = (t: number) => Math.min(1, Math.max(0, t));

/** A fixed pseudo-random value in [0, 1) for an integer pair: the same picture on every build. */
function hash(a: number, b: number): number {
  let h = Math.imul(a, 374761393) + Math.imul(b, 668265263);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

const FLOWER_COLOURS: Rgb[] = [
  [230, 40, 60],
  [250, 210, 40],
  [200, 60, 200],
  [250, 250, 245],
  [60, 110, 230],
  [250, 130, 30],
];

const flowers = Array.from({ length: 90 }, (_, i) => ({
  x: hash(i, 1),
  y: 0.74 + 0.26 * hash(i, 2),
  r: 0.008 + 0.01 * hash(i, 3),
  colour: FLOWER_COLOURS[Math.floor(hash(i, 4) * FLOWER_COLOURS.length)]!,
}));

/** The colour of the scene at (u, v), both in [0, 1], v downwards. */
function scene(u: number, v: number): Rgb {
  // Sky: deep blue overhead to a warm horizon.
  let c = mix([35, 70, 160], [250, 175, 95], clamp01(v / 0.6) ** 1.6);
  // Sun with a soft glow.
  const sun = Math.hypot(u - 0.72, v - 0.3);
  c = mix(c, [255, 225, 150], clamp01(0.55 - sun * 2.5));
  if (sun < 0.075) c = [255, 236, 140];
  // Far mountains.
  const far = 0.5 + 0.06 * Math.sin(u * 11 + 0.5) + 0.025 * Math.sin(u * 29 + 2);
  if (v > far) c = mix([120, 90, 165], [75, 60, 120], clamp01((v - far) / 0.2));
  // Near hills with grass.
  const near = 0.64 + 0.05 * Math.sin(u * 6.5 + 2.2);
  if (v > near) {
    c = mix([95, 175, 70], [30, 95, 40], clamp01((v - near) / 0.36));
    const blade = hash(Math.floor(u * 200), Math.floor(v * 90));
    c = mix(c, [20, 70, 25], blade * 0.35);
  }
  // A house on the hill: red walls, blue roof, yellow window.
  const hx = 0.16;
  const hy = 0.66;
  if (u > hx && u < hx + 0.14 && v > hy && v < hy + 0.1) {
    c = [200, 50, 40];
    if (u > hx + 0.08 && u < hx + 0.11 && v > hy + 0.025 && v < hy + 0.055) c = [255, 220, 80];
  }
  if (v <= hy && v > hy - 0.07 && Math.abs(u - (hx + 0.07)) < ((v - (hy - 0.07)) / 0.07) * 0.09) {
    c = [40, 70, 180];
  }
  // A striped hot-air balloon with its basket.
  const bx = (u - 0.42) / 0.11;
  const by = (v - 0.27) / 0.13;
  if (bx * bx + by * by < 1) {
    const stripe = Math.floor((Math.atan2(by, bx * 1.2) + Math.PI) * 3) % 3;
    const stripes: Rgb[] = [
      [225, 30, 45],
      [250, 215, 35],
      [30, 140, 220],
    ];
    c = mix(stripes[stripe]!, [0, 0, 0], clamp01((bx + by) * 0.25));
  }
  if (Math.abs(u - 0.42) < 0.025 && v > 0.43 && v < 0.47) c = [120, 75, 35];
  if (v > 0.39 && v < 0.43 && Math.abs(Math.abs(u - 0.42) - 0.04 * (1 - (v - 0.39) / 0.04)) < 0.003) {
    c = [90, 60, 30];
  }
  // Flowers in the meadow.
  if (v < 0.72) return c;
  for (const f of flowers) {
    if (Math.abs(u - f.x) > f.r) continue;
    const d = Math.hypot(u - f.x, v - f.y);
    if (d < f.r) c = d < f.r * 0.35 ? [250, 230, 90] : f.colour;
  }
  return c;
}

/** Renders the scene at `size`×`size` with 3×3 supersampling, as 8-bit RGB. */
export function renderSamplePhotoPixels(size: number): Uint8Array {
  const samples = 3;
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sum: Rgb = [0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = scene((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size);
          sum[0] += c[0];
          sum[1] += c[1];
          sum[2] += c[2];
        }
      }
      // A little sensor grain, so the blur has something to smooth.
      const grain = (hash(x, y + 7919) - 0.5) * 10;
      for (let k = 0; k < 3; k++) {
        out[(y * size + x) * 3 + k] = Math.round(Math.min(255, Math.max(0, sum[k]! / samples ** 2 + grain)));
      }
    }
  }
  return out;
}

/**
 * The picture at `size`×`size` as a PNG, encoded by sharp: lossless, each row with the PNG filter that
 * suits it best, zlib level 9.
 */
export function samplePhotoPng(size: number): Promise<Buffer> {
  return sharp(renderSamplePhotoPixels(size), { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 9, adaptiveFiltering: true })
    .toBuffer();
}

/**
 * The bundled colour picture of the augmentation explorer: a landscape drawn from code (sky, sun,
 * mountains, a house, a balloon, flowers), served in dev and written into the build as `fileName`, so no
 * binary image is kept in the repository.
 */
export function samplePhoto(fileName = 'sample-photo.png', size = 160): Plugin {
  let png: Promise<Buffer> | undefined;
  const render = () => {
    png ??= samplePhotoPng(size).catch((error: unknown) => {
      png = undefined; // tried again on the next request
      throw error;
    });
    return png;
  };
  return {
    name: 'simclr:sample-photo',
    configureServer(server) {
      server.middlewares.use(`/${fileName}`, (_req, res, next) => {
        render().then((bytes) => {
          res.setHeader('Content-Type', 'image/png');
          res.end(bytes);
        }, next);
      });
    },
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName, source: await render() });
    },
  };
}

import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { assertNumber, assertOneOf, describeValue, SimclrError } from '@simclr/core';
import { BYTE_TO_UNIT } from '../byte-to-unit.js';
import { createDataset } from '../dataset.js';
import type { Dataset } from '../types.js';

/** The file extensions {@link imageFolder} takes as images by default (compared case-insensitively). */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
];

/** Options of {@link imageFolder}. */
export interface ImageFolderOptions {
  /**
   * The root folder. Each sub-folder is a class (sorted by name; files in nested folders count for
   * their class); with no sub-folders, the images directly inside form an unlabeled dataset. Required.
   */
  dir: string;
  /** Output size: a side for square images, or `[height, width]`. Required. */
  size: number | readonly [height: number, width: number];
  /** 3 for RGB (gray inputs are repeated), 1 for gray. Default 3. */
  channels?: 1 | 3;
  /**
   * How an image is brought to `size`: `'cover'` scales it to cover the size and crops the centre,
   * `'contain'` scales it to fit and pads with black, `'fill'` stretches it. Default `'cover'`.
   */
  fit?: 'cover' | 'contain' | 'fill';
  /** File extensions that count as images. Default {@link IMAGE_EXTENSIONS}. */
  extensions?: readonly string[];
  /**
   * Keep each image's decoded bytes after its first use (`size × h × w × c` bytes in all), so later
   * epochs skip decoding. Default false: decode on every use and hold only the batches in flight.
   */
  cache?: boolean;
  /**
   * Read every file's header when the dataset is made (a few hundred bytes each, 16 at a time) and
   * refuse, listing them, files that are no image sharp can decode or larger than
   * {@link MAX_IMAGE_PIXELS}: at load, not batches into training. A file whose header is intact but
   * whose data is cut short still fails later, in its batch. Default true.
   */
  probe?: boolean;
}

/** sharp's own limit on an input image: 16383 × 16383 pixels. */
export const MAX_IMAGE_PIXELS = 0x3fff * 0x3fff;

/** The files whose header sharp cannot read or whose size is over the limit, each with the reason. */
async function probeHeaders(sharp: SharpModule, files: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const path = files[next++]!;
      try {
        // The header only, whatever its size: the size check below says what is too large and why.
        const { width, height } = await sharp(path, { limitInputPixels: false }).metadata();
        if (!width || !height) problems.push(`${path} (no image size in its header)`);
        else if (width * height > MAX_IMAGE_PIXELS) {
          problems.push(
            `${path} (${width}×${height} pixels, more than the ${MAX_IMAGE_PIXELS} sharp decodes)`,
          );
        }
      } catch (err) {
        problems.push(`${path} (${(err as Error).message.split('\n')[0]})`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
  return problems.sort();
}

type SharpModule = typeof import('sharp')['default'];

async function loadSharp(): Promise<SharpModule> {
  try {
    return (await import('sharp')).default;
  } catch (err) {
    throw new SimclrError(
      'imageFolder decodes images with sharp, which is not installed: npm install sharp',
      {
        cause: err,
      },
    );
  }
}

async function listDir(dir: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => !e.name.startsWith('.'))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    throw new SimclrError(`${dir}: could not list the folder (${(err as Error).message})`, { cause: err });
  }
}

async function imagesUnder(dir: string, isImage: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await listDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await imagesUnder(path, isImage)));
    else if (isImage(entry.name)) out.push(path);
  }
  return out;
}

/**
 * A dataset of the image files under a folder, decoded, resized and converted with `sharp` as batches
 * ask for them (EXIF orientation is applied; alpha is dropped). A file that cannot be decoded fails
 * its batch with a `SimclrError` naming it.
 */
export async function imageFolder(options: ImageFolderOptions): Promise<Dataset> {
  const {
    dir,
    size,
    channels = 3,
    fit = 'cover',
    extensions = IMAGE_EXTENSIONS,
    cache = false,
    probe = true,
  } = options;
  if (typeof dir !== 'string' || dir === '') {
    throw new SimclrError(`dir must be the path of a folder of images, got ${describeValue(dir)}`);
  }
  const [h, w] = typeof size === 'number' ? [size, size] : Array.isArray(size) ? size : [];
  assertNumber(h, 'size (height)', { min: 1, max: 16384, integer: true });
  assertNumber(w, 'size (width)', { min: 1, max: 16384, integer: true });
  assertOneOf(channels, [1, 3] as const, 'channels');
  assertOneOf(fit, ['cover', 'contain', 'fill'] as const, 'fit');
  const wanted = new Set(extensions.map((e) => e.toLowerCase()));
  const isImage = (name: string) => wanted.has(extname(name).toLowerCase());
  const sharp = await loadSharp();

  const entries = await listDir(dir);
  const classDirs = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const files: string[] = [];
  let labels: Int32Array | undefined;
  if (classDirs.length > 0) {
    const perClass = await Promise.all(classDirs.map((c) => imagesUnder(join(dir, c), isImage)));
    const empty = perClass.findIndex((list) => list.length === 0);
    if (empty >= 0) {
      throw new SimclrError(
        `${join(dir, classDirs[empty]!)}: expected image files (${[...wanted].join(', ')}) for class "${classDirs[empty]}", found none`,
      );
    }
    labels = new Int32Array(perClass.reduce((n, list) => n + list.length, 0));
    for (const [label, list] of perClass.entries()) {
      labels.fill(label, files.length, files.length + list.length);
      files.push(...list);
    }
  } else {
    files.push(...entries.filter((e) => isImage(e.name)).map((e) => join(dir, e.name)));
    if (files.length === 0) {
      throw new SimclrError(
        `${dir}: expected class sub-folders or image files (${[...wanted].join(', ')}), found neither`,
      );
    }
  }

  if (probe) {
    const problems = await probeHeaders(sharp, files);
    if (problems.length > 0) {
      const shown = problems.slice(0, 5).join('; ');
      throw new SimclrError(
        `${dir}: ${problems.length} of ${files.length} files are no image sharp can decode: ${shown}${problems.length > 5 ? '; …' : ''}. ` +
          'Remove or fix them (or pass probe: false to find them batch by batch)',
      );
    }
  }

  const pixels = h * w * channels;
  const cached = cache ? new Uint8Array(files.length * pixels) : undefined;
  const decoded = cache ? new Uint8Array(files.length) : undefined;

  async function decode(index: number): Promise<Uint8Array> {
    if (decoded?.[index]) return cached!.subarray(index * pixels, (index + 1) * pixels);
    const path = files[index]!;
    let data: Uint8Array;
    try {
      let img = sharp(path).autoOrient().resize(w, h, { fit }).removeAlpha();
      img = channels === 1 ? img.greyscale() : img.toColourspace('srgb');
      const res = await img.raw().toBuffer({ resolveWithObject: true });
      data = res.data;
      if (res.info.width !== w || res.info.height !== h || res.info.channels !== channels) {
        throw new Error(`decoded to ${res.info.width}×${res.info.height}×${res.info.channels}`);
      }
    } catch (err) {
      throw new SimclrError(
        `${path}: expected an image sharp can decode to ${h}×${w}×${channels}, found ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (cached !== undefined) {
      cached.set(data, index * pixels);
      decoded![index] = 1;
    }
    return data;
  }

  return createDataset({
    size: files.length,
    imageShape: [h, w, channels],
    async read(indices, out) {
      const images = await Promise.all(indices.map(decode));
      images.forEach((data, i) => {
        const dst = i * pixels;
        for (let k = 0; k < pixels; k++) out[dst + k] = BYTE_TO_UNIT[data[k]!]!;
      });
    },
    ...(labels !== undefined && { labels, numClasses: classDirs.length, classNames: classDirs }),
  });
}

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { simclrAugment, twoViews } from '@simclr/augment';
import { createRng, type ImageBatch, setupBackend } from '@simclr/core';
import { augmentationGridPng } from '@simclr/eval/node';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { choiceFlag, type FlagSpec, formatHelp, numberFlag, parseFlags, stringFlag } from '../flags.js';
import { type Io, processIo } from '../io.js';
import { loadDataset } from '../load-dataset.js';
import { readImageFile } from '../read-image.js';
import { BACKENDS, DATASETS, runConfigSchema } from '../run-config.js';
import { UsageError } from '../usage-error.js';

/** Cells of the grid are at least this many pixels wide, so small images stay visible. */
const MIN_CELL = 96;
const SPLITS = ['train', 'test', 'unlabeled'] as const;

const FLAGS: Record<string, FlagSpec> = {
  input: {
    type: 'string',
    short: 'i',
    value: 'SRC',
    help: `an image file, or a dataset: ${DATASETS.join(' | ')} (required)`,
  },
  out: { type: 'string', short: 'o', value: 'FILE', help: 'PNG to write (required)' },
  count: {
    type: 'string',
    short: 'n',
    value: 'N',
    help: 'rows: images (or copies of the file) shown (default 8)',
  },
  size: {
    type: 'string',
    value: 'N',
    help: "side of the views (default: the dataset's image side; a file's shorter side, at most 224)",
  },
  strength: {
    type: 'string',
    value: 'X',
    help: 'colour distortion strength, 0 … 2.5 (default 0.5, as pretrain)',
  },
  blur: { type: 'boolean', help: 'add the Gaussian blur to the augmentation' },
  seed: { type: 'string', value: 'N', help: 'seed of the images drawn and the augmentations (default 0)' },
  data: { type: 'string', value: 'DIR', help: 'dataset directory (default: system copy, else download)' },
  split: { type: 'string', value: 'NAME', help: `${SPLITS.join(' | ')} (default train)` },
  limit: { type: 'string', value: 'N', help: 'draw from the first N images of the dataset only' },
  'image-size': {
    type: 'string',
    value: 'N',
    help: 'image side for image-folder and synthetic (default 32)',
  },
  backend: { type: 'string', value: 'NAME', help: `${BACKENDS.join(' | ')} (default auto)` },
};

export const augmentPreviewHelp = formatHelp(
  'simclr augment-preview --input <image file | dataset> --out grid.png [options]',
  "Shows what SimCLR's augmentation (random resized crop, flip, colour jitter, grayscale, optional blur)\n" +
    'does to some images: a PNG with one row per image, the original and then two random views, as the\n' +
    'contrastive loss compares them. An image file is repeated --count times, so each row shows other views.',
  FLAGS,
);

/** Runs `simclr augment-preview`; returns the process exit code. */
export async function runAugmentPreview(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, 'augment-preview');
  if (values['help'] === true) {
    io.out.write(augmentPreviewHelp);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}"; see 'simclr augment-preview --help'`);
  const input = stringFlag(values['input']);
  if (input === undefined) {
    throw new UsageError(
      `--input is required: an image file or one of ${DATASETS.join(', ')}; see 'simclr augment-preview --help'`,
    );
  }
  const out = stringFlag(values['out']);
  if (out === undefined)
    throw new UsageError("--out FILE is required (the PNG to write); see 'simclr augment-preview --help'");
  const count = numberFlag(values['count'], 'count', { integer: true, min: 1 }) ?? 8;
  const size = numberFlag(values['size'], 'size', { integer: true, min: 8 });
  const strength =
    numberFlag(values['strength'], 'strength', { min: 0 }) ?? runConfigSchema.shape.strength.parse(undefined);
  if (strength > 2.5) throw new UsageError(`--strength must be at most 2.5, got ${strength}`);
  const blur = values['blur'] === true;
  const seed = numberFlag(values['seed'], 'seed', { integer: true, min: 0 }) ?? 0;
  const split = choiceFlag(values['split'], 'split', SPLITS) ?? 'train';
  const backendName = choiceFlag(values['backend'], 'backend', BACKENDS) ?? 'auto';
  const limit = numberFlag(values['limit'], 'limit', { integer: true, min: 2 });
  const imageSize = numberFlag(values['image-size'], 'image-size', { integer: true, min: 8 }) ?? 32;
  const data = stringFlag(values['data']);
  const isDataset = (DATASETS as readonly string[]).includes(input);
  if (!isDataset && !existsSync(input)) {
    throw new UsageError(
      `--input must be an image file or one of ${DATASETS.join(', ')}, got "${input}", which is neither a dataset name nor an existing file`,
    );
  }

  await setupBackend(backendName);
  const rng = createRng(seed);
  let originals: ImageBatch;
  if (isDataset) {
    const dataset = await loadDataset(
      {
        dataset: input as (typeof DATASETS)[number],
        ...(data !== undefined && { data }),
        split,
        ...(limit !== undefined && { limit }),
        imageSize,
        seed,
      },
      (line) => io.err.write(`${line}\n`),
    );
    const indices = rng
      .fork()
      .shuffle(Array.from({ length: dataset.size }, (_, i) => i))
      .slice(0, count);
    const batch = await dataset.get(indices);
    batch.labels?.dispose();
    originals = batch.images;
  } else {
    const image = await readImageFile(input, size, 'input');
    originals = tf.tidy(() => tf.tile(image, [count, 1, 1, 1]) as ImageBatch);
    image.dispose();
  }
  const [, height, width] = originals.shape;
  const side: [number, number] = size !== undefined ? [size, size] : [height, width];
  const augment = simclrAugment({ size: side, strength, blur });
  try {
    const views = twoViews(augment, originals, rng.fork());
    try {
      const cellSize = Math.max(MIN_CELL, side[0], side[1]);
      const png = await augmentationGridPng(
        sharp,
        { originals, views },
        { rows: originals.shape[0], cellSize },
      );
      const path = resolve(out);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, png);
      const { width: w, height: h } = await sharp(png).metadata();
      io.out.write(
        `wrote ${path}: ${originals.shape[0]} rows of original + 2 views, ${w}×${h} px\n` +
          `augmentation (strength ${strength}${blur ? ', blur' : ''}, seed ${seed}):\n${augment.describe()}\n`,
      );
      return 0;
    } finally {
      tf.dispose(views);
    }
  } finally {
    originals.dispose();
  }
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertBoolean, assertNumber, describeValue, SimclrError } from '@simclr/core';
import { renderSvg } from '../report/render-svg.js';
import { type ReportFigureOptions, reportFigures } from '../report/report-figures.js';
import { type ReportImage, reportHtml } from '../report/report-html.js';
import type { ReportRun } from '../report/types.js';
import { type AugmentationGridOptions, augmentationGridPng } from './augmentation-grid.js';
import { loadSharp, sharpMissing } from './load-sharp.js';

/** Options of {@link writeReport}. */
export interface WriteReportOptions extends ReportFigureOptions {
  /**
   * Also write a PNG beside every chart's SVG, rasterised by sharp. Default: true when sharp is
   * installed. The page shows the SVGs either way.
   */
  png?: boolean;
  /** Pixels per SVG unit of those PNGs. Default 2. */
  pngScale?: number;
  /** Layout of the augmentation grid. Default: `augmentationGridPng`'s defaults. */
  augmentationGrid?: AugmentationGridOptions;
}

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  /** Absolute path of `report.html`. */
  html: string;
  /** Absolute paths of every file written, `report.html` included. */
  files: string[];
}

/**
 * Writes a run's report into `dir` (created if needed): `report.html` and, beside it, one SVG per chart
 * (see `reportFigures`), a PNG of each chart when sharp is available, and `augmentations.png` when the
 * run has an augmentation grid (which needs sharp). Open `report.html` in a browser; it refers to the
 * figures by relative path, so the folder can be moved as a whole.
 *
 * @throws SimclrError for a malformed run, or when sharp is needed (`png: true` or an augmentation
 * grid) but not installed.
 */
export async function writeReport(
  dir: string,
  run: ReportRun,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  if (typeof dir !== 'string' || dir === '') {
    throw new SimclrError(`dir must be a non-empty path, got ${describeValue(dir)}`);
  }
  const { png, pngScale = 2, augmentationGrid, ...figureOptions } = options;
  if (png !== undefined) assertBoolean(png, 'png');
  assertNumber(pngScale, 'pngScale', { min: 0, exclusiveMin: true, max: 16 });
  const sharp = await loadSharp();
  if (png === true && sharp === undefined) throw sharpMissing('png: true');
  if (run?.augmentations !== undefined && sharp === undefined) throw sharpMissing('run.augmentations');

  const figures = await reportFigures(run, figureOptions);
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const files: string[] = [];
  const write = async (name: string, data: string | Uint8Array) => {
    const path = join(out, name);
    await writeFile(path, data);
    files.push(path);
  };
  const images: ReportImage[] = [];
  if (run.augmentations !== undefined) {
    await write('augmentations.png', await augmentationGridPng(sharp!, run.augmentations, augmentationGrid));
    images.push({
      file: 'augmentations.png',
      title: 'Augmented views',
      caption: 'Each row: an original image, then the two augmented views the loss compares.',
    });
  }
  for (const figure of figures) {
    const svg = await renderSvg(figure.spec);
    await write(`${figure.name}.svg`, svg);
    if (sharp !== undefined && png !== false) {
      await write(
        `${figure.name}.png`,
        await sharp(Buffer.from(svg), { density: 72 * pngScale })
          .png()
          .toBuffer(),
      );
    }
    images.push({ file: `${figure.name}.svg`, title: figure.title, caption: figure.caption });
  }
  await write('report.html', reportHtml(run, images));
  return { html: join(out, 'report.html'), files };
}

import { SimclrError } from '@simclr/core';
import { adaptImages, type Dataset, type ImageShape } from '@simclr/data';

/** How an evaluation's images are converted to the encoder's input (the paper's transfer protocol). */
export interface Transfer {
  /** `[height, width, channels]` of the dataset's images. */
  from: ImageShape;
  /** `[height, width, channels]` the encoder takes. */
  to: ImageShape;
  /** What is done to every image, e.g. `bilinear resize with antialiasing, ITU-R 601-2 grey`. */
  conversion: string;
}

/** `32×32×3`. */
export function formatShape(shape: readonly number[]): string {
  return shape.join('×');
}

/**
 * The conversion that brings images of shape `data` to an encoder whose input is `modelInput`
 * (`[height, width, channels]`, null where the encoder takes any size), or undefined when they fit
 * already.
 *
 * @throws SimclrError when the encoder takes a channel count other than 1 or 3, which no conversion of
 * grey or RGB images gives.
 */
export function planTransfer(
  data: ImageShape,
  modelInput: readonly (number | null | undefined)[],
): Transfer | undefined {
  const [height, width, channels] = data.map((d, i) => modelInput[i] ?? d) as [number, number, number];
  if (channels !== 1 && channels !== 3) {
    throw new SimclrError(
      `the model takes ${channels}-channel images; evaluation converts images only to 1 (grey) or 3 (RGB) channels, so it cannot evaluate this model on ${formatShape(data)} images`,
      { code: 'mismatch' },
    );
  }
  const to: ImageShape = [height, width, channels];
  if (to.every((d, i) => d === data[i])) return undefined;
  const steps: string[] = [];
  if (height !== data[0] || width !== data[1]) {
    steps.push(height < data[0] || width < data[1] ? 'bilinear resize with antialiasing' : 'bilinear resize');
  }
  if (data[2] === 3 && channels === 1) steps.push('ITU-R 601-2 grey');
  if (data[2] === 1 && channels === 3) steps.push('grey repeated to RGB');
  return { from: data, to, conversion: steps.join(', ') };
}

/** Both splits with their images converted as `transfer` says (read lazily, batch by batch). */
export function applyTransfer(
  splits: { train: Dataset; test: Dataset },
  transfer: Transfer,
): { train: Dataset; test: Dataset } {
  const [height, width, channels] = transfer.to;
  const target = { size: [height, width] as const, channels };
  return { train: adaptImages(splits.train, target), test: adaptImages(splits.test, target) };
}

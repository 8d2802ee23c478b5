import type { Rng } from '@simclr/core';
import type { ImageShape } from '@simclr/data';
import { projectionHead, resnet, SimCLRModel, smallCnn } from '@simclr/models';
import type { RunConfig } from './run-config.js';

/** The encoder and projection head a run config names, initialised from `rng`. */
export function buildModel(
  config: Pick<RunConfig, 'model' | 'stem' | 'width' | 'projectionDim'> &
    Partial<Pick<RunConfig, 'widths' | 'strides' | 'pooling'>>,
  imageShape: ImageShape,
  rng: Rng,
): SimCLRModel {
  const inputShape = [...imageShape] as [number, number, number];
  const encoder =
    config.model === 'small-cnn'
      ? smallCnn({
          inputShape,
          ...(config.widths !== undefined && { widths: config.widths }),
          ...(config.strides !== undefined && { strides: config.strides }),
          ...(config.pooling !== undefined && { pooling: config.pooling }),
          rng,
        })
      : resnet({
          depth: Number(config.model.slice('resnet'.length)) as 18 | 34 | 50,
          inputShape,
          stem: config.stem,
          widthMultiplier: config.width,
          rng,
        });
  const dim = encoder.outputs[0]!.shape[1] as number;
  const head = projectionHead({ inputDim: dim, outputDim: config.projectionDim, rng });
  return new SimCLRModel({ encoder, head });
}

import { SimclrError } from '@simclr/core';
import {
  type InferredResNetOptions,
  inferResNetOptions,
  type LoadReport,
  loadStateDict,
  projectionHead,
  resnet,
  SimCLRModel,
} from '@simclr/models';
import { readWeightsFile, type WeightsFile } from '@simclr/models/node';
import type { FlagSpec } from './flags.js';

/** The flag of every command that reads PyTorch weights: Python globals to read as inert data. */
export const ALLOW_GLOBALS_FLAG: Record<string, FlagSpec> = {
  'allow-globals': {
    type: 'string',
    value: 'LIST',
    help: "comma-separated Python globals a .pt/.ckpt may name, read as inert data, never called (e.g. Lightning's hyper-parameters: argparse.Namespace,omegaconf.*)",
  },
};

/**
 * Reads a PyTorch weights file with the globals of `--allow-globals`; a refused global gets the flag named
 * in the error.
 */
export async function readWeights(path: string, allowGlobals: string | undefined): Promise<WeightsFile> {
  try {
    return await readWeightsFile(path, {
      allowGlobals:
        allowGlobals === undefined
          ? []
          : allowGlobals
              .split(',')
              .map((g) => g.trim())
              .filter(Boolean),
    });
  } catch (error) {
    if (SimclrError.is(error) && error.message.includes('options.allowGlobals')) {
      throw new SimclrError(
        `${error.message}. From the command line: --allow-globals LIST, once you trust the file`,
        { code: error.code },
      );
    }
    throw error;
  }
}

/** A `SimCLRModel` made from a PyTorch weights file, and what was read on the way. */
export interface WeightsModel {
  model: SimCLRModel;
  file: WeightsFile;
  architecture: InferredResNetOptions;
  report: LoadReport;
  /** True when the file has no projection head and a fresh one was made (h is the file's; z is not). */
  freshHead: boolean;
}

/**
 * Loads `stateDict` into `model`: the whole model when the file has a projection head (`head` of its
 * inferred architecture), else the encoder alone, whose every weight must then come from the file.
 */
export function loadWeightsInto(
  model: SimCLRModel,
  stateDict: WeightsFile['stateDict'],
  architecture: InferredResNetOptions = inferResNetOptions(stateDict),
): LoadReport {
  return loadStateDict(architecture.head === undefined ? model.encoder : model, stateDict, {
    layout: architecture.layout,
  });
}

/** The side a ResNet stem is made for, when nothing else says: CIFAR's 32 or ImageNet's 224. */
export function defaultImageSide(stem: InferredResNetOptions['stem']): number {
  return stem === 'cifar' ? 32 : 224;
}

/** `resnet<depth>`, with SimCLR's width multiplier when it is not 1 (e.g. `resnet50 (2×)`). */
export function describeArchitecture(a: InferredResNetOptions): string {
  return `resnet${a.depth}${a.widthMultiplier === 1 ? '' : ` (${a.widthMultiplier}×)`}, ${a.stem} stem, ${a.layout} names`;
}

/**
 * Reads a safetensors or `torch.save` file (torchvision, lightly or solo-learn names), builds the ResNet
 * (and projection head) its shapes describe, and loads it: every encoder weight must come from the file,
 * nothing is half-loaded. `image` is the `[height, width, channels]` the model will take, its
 * `[height, width]` or only its side (channels from the weights either way); default: the stem's usual
 * side. A file without a head gets a fresh one (seeded), which evaluation does not use.
 */
export async function modelFromWeights(
  path: string,
  image?: readonly [number, number, number] | readonly [number, number] | number,
  allowGlobals?: string,
): Promise<WeightsModel> {
  const file = await readWeights(path, allowGlobals);
  const architecture = inferResNetOptions(file.stateDict);
  const channels = architecture.inputChannels;
  const side = typeof image === 'number' ? image : defaultImageSide(architecture.stem);
  const [height, width, given = channels] = typeof image === 'object' ? image : [side, side, channels];
  if (given !== channels) {
    throw new SimclrError(`${path} takes ${channels}-channel images, the data has ${given}`, {
      code: 'mismatch',
    });
  }
  const encoder = resnet({
    depth: architecture.depth,
    stem: architecture.stem,
    widthMultiplier: architecture.widthMultiplier,
    inputShape: [height, width, channels],
  });
  const dim = encoder.outputs[0]!.shape[1] as number;
  const head = projectionHead(architecture.head ?? { inputDim: dim });
  const model = new SimCLRModel({ encoder, head });
  try {
    const report = loadWeightsInto(model, file.stateDict, architecture);
    return { model, file, architecture, report, freshHead: architecture.head === undefined };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

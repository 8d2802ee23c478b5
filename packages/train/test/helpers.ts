import { createRng } from '@simclr/core';
import { type Dataset, fromTensors } from '@simclr/data';
import { projectionHead, SimCLRModel, smallCnn } from '@simclr/models';
import type { CheckpointFiles, CheckpointSink } from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';

/** Keeps checkpoints in memory, newest last. */
export class MemorySink implements CheckpointSink {
  readonly saved: { step: number; files: Map<string, Uint8Array> }[] = [];
  async save(step: number, files: CheckpointFiles): Promise<void> {
    const copy = new Map(
      Object.entries(files).map(([k, v]) => [
        k,
        typeof v === 'string' ? new TextEncoder().encode(v) : v.slice(),
      ]),
    );
    this.saved.push({ step, files: copy });
  }
  async latestValid() {
    return this.saved.at(-1) ?? null;
  }
}

/** A small CNN and projection head on 8×8 grey images, both with batch norm, always the same weights. */
export function makeModel(): SimCLRModel {
  const rng = createRng(11);
  const encoder = smallCnn({ inputShape: [8, 8, 1], widths: [4, 8], rng });
  const head = projectionHead({ inputDim: 8, outputDim: 8, rng });
  return new SimCLRModel({ encoder, head });
}

/** `size` seeded random 8×8 grey images. */
export async function makeDataset(size = 24): Promise<Dataset> {
  const rng = createRng(5);
  const images = tf.tensor4d(
    Array.from({ length: size * 64 }, () => rng.next()),
    [size, 8, 8, 1],
  );
  const ds = await fromTensors(images);
  images.dispose();
  return ds;
}

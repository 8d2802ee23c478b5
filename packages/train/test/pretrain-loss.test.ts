import { createRng, SimclrError } from '@simclr/core';
import { type Dataset, fromTensors } from '@simclr/data';
import { NT_XENT_TEMPERATURE, ntXent, SUP_CON_TEMPERATURE, supCon } from '@simclr/losses';
import { describeBackends, expectClose } from '@simclr/test-utils';
import {
  type ContrastiveLossFn,
  type PretrainConfigInput,
  parsePretrainConfig,
  pretrain,
  pretrainReplicated,
  type StepMetrics,
} from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeDataset, makeModel } from './helpers.js';

/** `size` seeded random 8×8 grey images with the given labels. */
async function labelled(labels: number[]): Promise<Dataset> {
  const rng = createRng(9);
  const images = tf.tensor4d(
    Array.from({ length: labels.length * 64 }, () => rng.next()),
    [labels.length, 8, 8, 1],
  );
  const ds = await fromTensors(images, labels);
  images.dispose();
  return ds;
}

/** A deterministic augmentation that still makes the two views differ: a per-view brightness draw. */
const brightness = (images: tf.Tensor4D, rng: { uniform(a: number, b: number): number }) =>
  tf.tidy(() => tf.clipByValue(tf.mul(images, rng.uniform(0.7, 1.3)), 0, 1)) as tf.Tensor4D;

const base = { epochs: 1, seed: 4, checkpointEvery: 0, optimizer: { name: 'sgd' as const } };

async function losses(
  config: PretrainConfigInput,
  dataset: Dataset,
  loss?: ContrastiveLossFn,
): Promise<number[]> {
  const model = makeModel();
  const steps: StepMetrics[] = [];
  try {
    await pretrain(config, {
      model,
      dataset,
      augment: brightness,
      ...(loss !== undefined && { loss }),
      onStep: (m) => {
        steps.push(m);
      },
    });
  } finally {
    model.dispose();
  }
  return steps.map((m) => m.loss);
}

describe('the loss defaults', () => {
  it('the config takes its temperature from the named loss, defined once in @simclr/losses', () => {
    const parse = (loss: object) => parsePretrainConfig({ epochs: 1, batchSize: 2, loss }).loss;
    expect(NT_XENT_TEMPERATURE).toBe(0.5);
    expect(SUP_CON_TEMPERATURE).toBe(0.1);
    expect(parse({}).temperature).toBe(NT_XENT_TEMPERATURE);
    expect(parse({ name: 'nt-logistic' }).temperature).toBe(NT_XENT_TEMPERATURE);
    expect(parse({ name: 'sup-con' }).temperature).toBe(SUP_CON_TEMPERATURE);
    expect(parse({ name: 'sup-con', temperature: 0.3 }).temperature).toBe(0.3);
  });
});

describeBackends('pretrain with a loss of your own or sup-con', ['cpu', 'wasm'], () => {
  it('a loss function trains exactly like the named loss it computes, and sees the batch labels', async () => {
    const dataset = await labelled([0, 1, 2, 0, 1, 2, 0, 1]);
    const config = { ...base, batchSize: 4, loss: { temperature: 0.3 } };
    const named = await losses(config, dataset);
    const seen: number[][] = [];
    const custom = await losses({ ...base, batchSize: 4 }, dataset, (z1, z2, labels) => {
      seen.push([...(labels?.dataSync() ?? [])]);
      return ntXent(z1, z2, { temperature: 0.3 });
    });
    expect(named).toHaveLength(2);
    expect(custom).toEqual(named);
    // One batch of 4 labels per step, each a label of the dataset.
    expect(seen.map((s) => s.length)).toEqual([4, 4]);
    expect(seen.flat().every((l) => l >= 0 && l <= 2)).toBe(true);
  });

  it('sup-con equals nt-xent when every image of a batch has its own label (Khosla et al. 2020)', async () => {
    const dataset = await labelled([3, 1, 0, 2]);
    const one = { ...base, batchSize: 4 };
    const supervised = await losses({ ...one, loss: { name: 'sup-con', temperature: 0.2 } }, dataset);
    const simclr = await losses({ ...one, loss: { name: 'nt-xent', temperature: 0.2 } }, dataset);
    expectClose(supervised, simclr, { atol: 0, rtol: 1e-5 });
  });

  it('sup-con with shared labels is the loss of supCon on both views, labels repeated', async () => {
    const dataset = await labelled([0, 0, 1, 1]);
    const one = { ...base, batchSize: 4 };
    const byName = await losses({ ...one, loss: { name: 'sup-con' } }, dataset);
    const byHand = await losses(one, dataset, (z1, z2, labels) =>
      supCon(tf.concat([z1, z2]), tf.concat([labels!, labels!]), { temperature: SUP_CON_TEMPERATURE }),
    );
    const simclr = await losses({ ...one, loss: { temperature: SUP_CON_TEMPERATURE } }, dataset);
    expect(byName).toEqual(byHand);
    // Same-label images are positives now, not negatives: a different loss.
    expect(Math.abs(byName[0]! - simclr[0]!)).toBeGreaterThan(1e-3);
  });

  it.each<{ name: string; run: () => Promise<unknown>; message: RegExp }>([
    {
      name: 'sup-con on a dataset without labels',
      run: async () => losses({ ...base, batchSize: 4, loss: { name: 'sup-con' } }, await makeDataset(8)),
      message: /pretrain: config.loss.name 'sup-con' needs a labelled dataset/,
    },
    {
      name: "'custom' without a function",
      run: async () => losses({ ...base, batchSize: 4, loss: { name: 'custom' } }, await makeDataset(8)),
      message: /config.loss.name 'custom' needs a loss function/,
    },
    {
      name: 'a function with a config naming another loss',
      run: async () =>
        losses({ ...base, batchSize: 4, loss: { name: 'nt-xent' } }, await makeDataset(8), (z1, z2) =>
          ntXent(z1, z2),
        ),
      message: /config.loss.name must be unset or 'custom' when context.loss is given, got "nt-xent"/,
    },
    {
      name: 'a loss that is not a function',
      run: async () =>
        losses({ ...base, batchSize: 4 }, await makeDataset(8), 'nt-xent' as unknown as ContrastiveLossFn),
      message: /pretrain: context.loss must be a function, got/,
    },
    {
      name: 'sup-con split over replicas',
      run: async () => {
        const model = makeModel();
        try {
          return await pretrainReplicated({ ...base, batchSize: 4, loss: { name: 'sup-con' } }, {
            model,
            dataset: await makeDataset(8),
            augment: { module: 'unused' },
            workers: 2,
            spawn: () => {
              throw new Error('no replica should start');
            },
          } as unknown as Parameters<typeof pretrainReplicated>[1]);
        } finally {
          model.dispose();
        }
      },
      message: /config.loss.name 'sup-con' trains on one thread only/,
    },
  ])('refuses $name', async ({ run, message }) => {
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(SimclrError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('the named losses are unchanged by the labels', async () => {
    const dataset = await labelled([0, 0, 1, 1, 2, 2, 3, 3]);
    const withLabels = await losses({ ...base, batchSize: 4 }, dataset);
    const withoutLabels = await losses({ ...base, batchSize: 4 }, dataset, (z1, z2) =>
      ntXent(z1, z2, { temperature: NT_XENT_TEMPERATURE }),
    );
    expect(withLabels).toEqual(withoutLabels);
  });
});

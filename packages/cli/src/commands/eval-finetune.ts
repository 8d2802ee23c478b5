import { compose, randomHorizontalFlip, randomResizedCrop } from '@simclr/augment';
import { createRng } from '@simclr/core';
import { type Dataset, subset } from '@simclr/data';
import { balancedSubset, fineTune } from '@simclr/eval';
import { encodeDataset } from '../encode-splits.js';
import type { EvalKind, EvalOutcome } from '../eval-kind.js';
import { numberFlag } from '../flags.js';
import { percent } from '../percent.js';
import { UsageError } from '../usage-error.js';

/** The paper's label fractions, the columns of the report's results table. */
const LABEL_FRACTIONS = [0.01, 0.1, 1] as const;
/** Test images the report's UMAP shows at most. */
const EMBEDDING_POINTS = 2000;

async function labelsOf(dataset: Dataset): Promise<Int32Array> {
  const labels = new Int32Array(dataset.size);
  let done = 0;
  for await (const batch of dataset.batches({ batchSize: 1024, dropLast: false })) {
    try {
      labels.set(await batch.labels!.data(), done);
      done += batch.images.shape[0];
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
    }
  }
  return labels;
}

/** `--label-fraction` checked against the train split: every class must keep at least one label. */
function checkFraction(labels: Int32Array, fraction: number): void {
  const counts = new Map<number, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const smallest = Math.min(...counts.values());
  if (Math.round(fraction * smallest) === 0) {
    const fits = LABEL_FRACTIONS.filter((f) => Math.round(f * smallest) > 0);
    throw new UsageError(
      `--label-fraction ${fraction} leaves no label for the smallest class (${smallest} of ${labels.length} train images); ` +
        `use --label-fraction ${fits.join(' or ')}, or more train images (--train-limit)`,
    );
  }
}

/** `simclr eval finetune`: semi-supervised fine-tuning on a fraction of the labels. */
export const fineTuneEval: EvalKind = {
  name: 'finetune',
  summary: 'fine-tune encoder + linear head on 1%, 10% or all labels',
  description:
    "Fine-tunes the encoder with a new linear head on a class-balanced fraction of the train split's labels\n" +
    "(the paper's semi-supervised protocol: Nesterov momentum, random crops and flips, no weight decay)\n" +
    'and scores the test split. The saved model is left as it is.',
  flags: {
    'label-fraction': {
      type: 'string',
      value: 'F',
      help: `labels used: ${LABEL_FRACTIONS.join(' | ')} (default 0.1)`,
    },
    epochs: {
      type: 'string',
      short: 'e',
      value: 'N',
      help: 'passes over the labelled subset (default 60 for 1%, else 30)',
    },
    'batch-size': { type: 'string', short: 'b', value: 'N', help: 'images per step (default 256)' },
    lr: { type: 'string', value: 'X', help: 'learning rate (default 0.05 × batch size / 256)' },
  },
  prepare(values) {
    const fraction = numberFlag(values['label-fraction'], 'label-fraction') ?? 0.1;
    if (!(LABEL_FRACTIONS as readonly number[]).includes(fraction)) {
      throw new UsageError(
        `--label-fraction must be ${LABEL_FRACTIONS.slice(0, -1).join(', ')} or ${LABEL_FRACTIONS.at(-1)} (the paper's 1%, 10% and all labels), got ${values['label-fraction']}`,
      );
    }
    const epochs = numberFlag(values['epochs'], 'epochs', { integer: true, min: 1 });
    const batchSize = numberFlag(values['batch-size'], 'batch-size', { integer: true, min: 1 }) ?? 256;
    const learningRate = numberFlag(values['lr'], 'lr', { min: 0 });
    if (learningRate === 0) throw new UsageError('--lr must be > 0, got 0');

    return async ({ model, train, test, seed, wantEmbeddings, say, workers }): Promise<EvalOutcome> => {
      const rng = createRng(seed);
      // Forked whether or not it is used, so that --report leaves the fine-tuning's random choices alone.
      const embeddingRng = rng.fork();
      // Encoded before fine-tuning changes the encoder, so the report shows the pretrained representation.
      let embeddings: EvalOutcome['embeddings'];
      if (wantEmbeddings) {
        const shown = embeddingRng
          .shuffle(Array.from({ length: test.size }, (_, i) => i))
          .slice(0, EMBEDDING_POINTS)
          .sort((a, b) => a - b);
        const { features, labels } = await encodeDataset(model, subset(test, shown), 256, workers);
        embeddings = { features, labels };
      }
      try {
        const labels = await labelsOf(train);
        checkFraction(labels, fraction);
        const chosen = balancedSubset(labels, fraction, rng);
        const [height, width] = train.imageShape;
        say(`fine-tuning on ${chosen.length} labelled train images (${fraction * 100}% of ${train.size})`);
        const tuned = await fineTune({
          encoder: model,
          dataset: train,
          subset: chosen,
          test,
          rng,
          batchSize,
          ...(epochs !== undefined && { epochs }),
          ...(learningRate !== undefined && { learningRate }),
          augment: compose([randomResizedCrop({ size: [height, width] }), randomHorizontalFlip()]),
          onEpoch: ({ epoch, loss, accuracy }) =>
            say(`epoch ${epoch + 1}: loss ${loss.toFixed(4)}, train accuracy ${percent(accuracy)}`),
        });
        tuned.head.dispose();
        const score = tuned.test!;
        const last = tuned.history.at(-1);
        const lr = learningRate ?? (0.05 * batchSize) / 256;
        return {
          protocol: `fine-tuning on ${fraction * 100}% of the labels (${tuned.history.length} epochs, lr ${Number(lr.toPrecision(3))})`,
          settings: { labelFraction: fraction, epochs: tuned.history.length, batchSize, learningRate: lr },
          result: {
            top1: score.top1,
            top5: score.top5,
            labels: chosen.length,
            trainLoss: last?.loss ?? null,
            trainAccuracy: last?.accuracy ?? null,
            confusion: score.confusion,
          },
          rows: [
            ['top-1', percent(score.top1)],
            ['top-5', percent(score.top5)],
            ['labels', `${chosen.length} of ${train.size} train images`],
            [
              'train',
              last === undefined
                ? 'no epochs run'
                : `loss ${last.loss.toFixed(4)}, accuracy ${percent(last.accuracy)} in the last epoch`,
            ],
          ],
          confusion: score.confusion,
          ...(embeddings !== undefined && { embeddings }),
        };
      } catch (err) {
        embeddings?.features.dispose();
        throw err;
      }
    };
  },
};

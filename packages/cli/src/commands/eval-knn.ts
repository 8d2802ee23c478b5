import { KNN_DEFAULTS, knnEvaluate } from '@simclr/eval';
import { knnEvaluateParallel } from '@simclr/eval/node';
import { encodeSplits } from '../encode-splits.js';
import type { EvalKind } from '../eval-kind.js';
import { numberFlag } from '../flags.js';
import { percent } from '../percent.js';
import { UsageError } from '../usage-error.js';

const DEFAULT_K = KNN_DEFAULTS.k;

/** `simclr eval knn`: weighted kNN on frozen representations. */
export const knnEval: EvalKind = {
  name: 'knn',
  summary: 'weighted k-nearest-neighbour vote on frozen representations (quick)',
  description:
    "Classifies each test image by a vote of its k most similar training images (cosine similarity of\nthe encoder's representation h, weights exp(sim/temperature)), the monitor of self-supervised training.",
  flags: {
    k: {
      type: 'string',
      value: 'N',
      help: `neighbours that vote (default ${DEFAULT_K}, at most the train split's size)`,
    },
    temperature: {
      type: 'string',
      short: 't',
      value: 'X',
      help: `τ of the vote weights (default ${KNN_DEFAULTS.temperature})`,
    },
    'batch-size': { type: 'string', short: 'b', value: 'N', help: 'images encoded at a time (default 256)' },
  },
  prepare(values) {
    const givenK = numberFlag(values['k'], 'k', { integer: true, min: 1 });
    const temperature = numberFlag(values['temperature'], 'temperature') ?? KNN_DEFAULTS.temperature;
    if (temperature <= 0) throw new UsageError(`--temperature must be > 0, got ${temperature}`);
    const batchSize = numberFlag(values['batch-size'], 'batch-size', { integer: true, min: 1 }) ?? 256;
    return async ({ model, train, test, wantEmbeddings, say, workers }) => {
      if (givenK !== undefined && givenK > train.size) {
        throw new UsageError(`--k must be at most the train split's size (${train.size}), got ${givenK}`);
      }
      const k = givenK ?? Math.min(DEFAULT_K, train.size);
      const features = await encodeSplits(model, { train, test }, batchSize, say, workers);
      let handedOver = false;
      try {
        const options = {
          trainFeatures: features.train.features,
          trainLabels: features.train.labels,
          testFeatures: features.test.features,
          testLabels: features.test.labels,
          k,
          temperature,
          numClasses: features.train.numClasses,
        };
        const { top1, top5 } = await (workers === undefined
          ? knnEvaluate(options)
          : knnEvaluateParallel({ ...options, workers }));
        handedOver = wantEmbeddings;
        return {
          protocol: `kNN (k ${k}${givenK === undefined && k < DEFAULT_K ? ', all train images' : ''}, temperature ${temperature})`,
          settings: { k, temperature, batchSize },
          result: { top1, top5 },
          rows: [
            ['top-1', percent(top1)],
            ['top-5', percent(top5)],
          ],
          ...(wantEmbeddings && {
            embeddings: { features: features.test.features, labels: features.test.labels },
          }),
        };
      } finally {
        features.train.features.dispose();
        if (!handedOver) features.test.features.dispose();
      }
    };
  },
};

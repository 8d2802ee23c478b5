import { linearEvaluate } from '@simclr/eval';
import { encodeSplits } from '../encode-splits.js';
import type { EvalKind } from '../eval-kind.js';
import { numberFlag } from '../flags.js';
import { percent } from '../percent.js';

/** How the fit ended, in words. */
function convergence(fit: { converged: boolean; iterations: number }, maxIterations: number): string {
  if (fit.converged) return 'converged';
  if (fit.iterations >= maxIterations) return 'not converged: raise --max-iterations';
  // L-BFGS also stops when no step along its direction lowers the float32 loss any more.
  return 'stopped where no step lowers the loss further';
}

/** `simclr eval linear`: the paper's linear evaluation on frozen representations. */
export const linearEval: EvalKind = {
  name: 'linear',
  summary: "logistic regression on frozen representations (the paper's linear evaluation)",
  description:
    "Fits a multinomial logistic regression on the frozen representation h of the train split by full-batch\nL-BFGS (scikit-learn's LogisticRegression objective, standardised features) and scores the test split.",
  flags: {
    l2: { type: 'string', value: 'X', help: 'L2 penalty λ of the weights (default 1/N, i.e. C = 1)' },
    'max-iterations': { type: 'string', value: 'N', help: 'L-BFGS iterations at most (default 1000)' },
    'batch-size': { type: 'string', short: 'b', value: 'N', help: 'images encoded at a time (default 256)' },
  },
  prepare(values) {
    const l2 = numberFlag(values['l2'], 'l2', { min: 0 });
    const maxIterations =
      numberFlag(values['max-iterations'], 'max-iterations', { integer: true, min: 1 }) ?? 1000;
    const batchSize = numberFlag(values['batch-size'], 'batch-size', { integer: true, min: 1 }) ?? 256;
    return async ({ model, train, test, wantEmbeddings, say, workers }) => {
      const features = await encodeSplits(model, { train, test }, batchSize, say, workers);
      let handedOver = false;
      try {
        say(`fitting the linear classifier on ${features.train.features.shape[1]}-dimensional features`);
        const usedL2 = l2 ?? 1 / train.size;
        const fit = await linearEvaluate({
          train: features.train,
          test: features.test,
          numClasses: features.train.numClasses,
          l2: usedL2,
          maxIterations,
        });
        handedOver = wantEmbeddings;
        return {
          protocol: `linear evaluation (L-BFGS, l2 ${Number(usedL2.toPrecision(3))})`,
          settings: { l2: usedL2, maxIterations, batchSize },
          result: {
            top1: fit.top1,
            top5: fit.top5,
            trainTop1: fit.trainTop1,
            loss: fit.loss,
            iterations: fit.iterations,
            converged: fit.converged,
            confusion: fit.confusion,
          },
          rows: [
            ['top-1', percent(fit.top1)],
            ['top-5', percent(fit.top5)],
            ['train top-1', percent(fit.trainTop1)],
            [
              'iterations',
              `${fit.iterations} (${convergence(fit, maxIterations)}), loss ${fit.loss.toFixed(4)}`,
            ],
          ],
          confusion: fit.confusion,
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

import { assertOptionsObject, optionsObject, SimclrError } from '@simclr/core';
import { assertFeaturePair, readLabels, resolveNumClasses } from './internal/validate.js';
import { type KnnOptions, type KnnResult, knnEvaluate } from './knn.js';
import { KNN_DEFAULTS } from './knn-defaults.js';
import {
  type LabelledFeatures,
  type LinearEvaluateOptions,
  type LinearEvaluateResult,
  linearEvaluate,
} from './linear-evaluate.js';

/** Options of {@link scoreRepresentation}. */
export interface ScoreRepresentationOptions {
  /** The labelled training split's features (h), e.g. what `extractFeatures` returns. */
  train: LabelledFeatures;
  /** The test split's features, with the same number of columns. */
  test: LabelledFeatures;
  /**
   * Settings of the kNN classifier. Default {@link KNN_DEFAULTS}: k 200 (every training row when there are
   * fewer), τ 0.1.
   */
  knn?: Pick<KnnOptions, 'k' | 'temperature' | 'chunkSize'>;
  /** Settings of the linear probe. Default `linearEvaluate`'s: λ 1/N, ≤ 1000 L-BFGS iterations, ‖g‖∞ ≤ 1e-5. */
  linear?: Omit<LinearEvaluateOptions, 'train' | 'test' | 'numClasses'>;
  /** Number of classes. Default: the largest label of either split + 1. */
  numClasses?: number;
}

/** The two accuracies of a frozen representation. */
export interface RepresentationScores {
  /** The weighted kNN classifier's result. */
  knn: KnnResult;
  /** The linear probe's result, with its iterations and whether it converged. */
  linear: LinearEvaluateResult;
}

/**
 * Scores a frozen representation with the two protocols that self-supervised results are reported in:
 * the weighted kNN classifier (Wu et al. 2018; the monitor of lightly and solo-learn) and linear
 * evaluation (SimCLR §B.6: logistic regression on frozen features, here fitted by L-BFGS). The features,
 * labels and `numClasses` are checked before either runs, so bad data fails before any work and is named
 * as it was passed (each protocol checks them again, a cheap reduction next to the fits); a bad `knn.*` or
 * `linear.*` setting is reported under that name.
 *
 * @throws SimclrError for features that are not finite float32 `[rows, D]` with the same D, labels whose
 * count differs from the rows or that are not integers in `0 … numClasses-1`, or a bad setting.
 */
export async function scoreRepresentation(
  options: ScoreRepresentationOptions,
): Promise<RepresentationScores> {
  assertOptionsObject(options);
  const { train, test } = options;
  assertOptionsObject(train, 'train');
  assertOptionsObject(test, 'test');
  assertFeaturePair(train.features, test.features, 'train.features', 'test.features');
  const trainLabels = await readLabels(train.labels, 'train.labels', train.features.shape[0]);
  const testLabels = await readLabels(test.labels, 'test.labels', test.features.shape[0]);
  const numClasses = resolveNumClasses(options.numClasses, [
    { name: 'train.labels', labels: trainLabels },
    { name: 'test.labels', labels: testLabels },
  ]);
  const knnSettings = optionsObject(options.knn, 'knn');
  const linearSettings = optionsObject(options.linear, 'linear');

  const knn = await stage('knn', () =>
    knnEvaluate({
      ...KNN_DEFAULTS,
      k: Math.min(KNN_DEFAULTS.k, train.features.shape[0]),
      ...knnSettings,
      trainFeatures: train.features,
      trainLabels,
      testFeatures: test.features,
      testLabels,
      numClasses,
    }),
  );
  const linear = await stage('linear', () =>
    linearEvaluate({
      ...linearSettings,
      train: { features: train.features, labels: trainLabels },
      test: { features: test.features, labels: testLabels },
      numClasses,
    }),
  );
  return { knn, linear };
}

/** Runs one protocol; an error in one of its own settings (`k must …`) is renamed `knn.k must …`. */
async function stage<T>(name: 'knn' | 'linear', run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (SimclrError.is(error) && error.code === 'invalid-argument' && /^\w+ must /.test(error.message)) {
      throw new SimclrError(`${name}.${error.message}`, { cause: error });
    }
    throw error;
  }
}

import { assertBoolean, assertNumber, assertOptionsObject, SimclrError } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { confusionMatrix } from './confusion-matrix.js';
import { minimizeLbfgs, type ValueAndGradient } from './internal/lbfgs.js';
import { readAndDispose } from './internal/read-and-dispose.js';
import { scoreRanks } from './internal/score-ranks.js';
import { featureScaling, standardise } from './internal/standardize.js';
import { assertFeaturePair, readLabels, resolveNumClasses } from './internal/validate.js';

/** Features with one class label per row, e.g. what `extractFeatures` returns. */
export interface LabelledFeatures {
  /** `[N, D]` float32. */
  features: tf.Tensor2D;
  /** The class of each row: an int32 tensor `[N]` or an array of integers. */
  labels: tf.Tensor1D | ArrayLike<number>;
}

/** Options of {@link linearEvaluate}. */
export interface LinearEvaluateOptions {
  /** The features the classifier is fitted on (h of the training split). */
  train: LabelledFeatures;
  /** The features it is scored on (h of the test split); same number of columns. */
  test: LabelledFeatures;
  /**
   * λ of the objective mean cross-entropy + λ/2 · ‖W‖² (the bias is not penalised), >= 0.
   * Default 1 / N, which is scikit-learn's `LogisticRegression(C=1)`: λ = 1 / (C · N).
   */
  l2?: number;
  /** L-BFGS iterations at most; each reads the training features once or a few times. Default 1000. */
  maxIterations?: number;
  /** Stop when no gradient entry of the objective exceeds this in magnitude. Default 1e-5. */
  tolerance?: number;
  /**
   * Standardise every feature with the training split's mean and standard deviation first (features
   * that are constant there are only centred). Default true.
   */
  standardize?: boolean;
  /** Number of classes. Default: the largest label of either split + 1. */
  numClasses?: number;
}

/** What {@link linearEvaluate} measured on the test split, and how the fit went. */
export interface LinearEvaluateResult {
  /** Fraction of test rows whose label has the highest logit. */
  top1: number;
  /** Fraction of test rows whose label is among the 5 highest logits (all, with fewer than 5 classes). */
  top5: number;
  /** `confusion[t][p]`: test rows of class t predicted as p. */
  confusion: number[][];
  /** The predicted class of each test row. */
  predictions: Int32Array;
  /** Top-1 accuracy on the training split. */
  trainTop1: number;
  /** The objective (mean cross-entropy + λ/2 · ‖W‖²) at the solution. */
  loss: number;
  /** L-BFGS iterations run. */
  iterations: number;
  /** The gradient reached `tolerance` within `maxIterations`. */
  converged: boolean;
}

const HISTORY = 10;

/**
 * Linear evaluation (the paper's protocol): multinomial logistic regression on frozen features, fitted
 * by full-batch L-BFGS to the same objective as scikit-learn's `LogisticRegression` (lbfgs solver,
 * multinomial loss, L2 penalty, unpenalised intercept), so its accuracies are comparable with scikit-learn's.
 *
 * Logits and gradients are computed on the backend in float32; the L-BFGS direction, the penalty and
 * the sum of the per-example losses on the host in float64. The backend holds the standardised training
 * features once besides the caller's.
 *
 * @throws SimclrError for features that are not finite float32 `[rows, D]` with the same D, labels whose
 * count differs from the rows or that are not integers in `0 … numClasses-1`, or a bad option.
 */
export async function linearEvaluate(options: LinearEvaluateOptions): Promise<LinearEvaluateResult> {
  assertOptionsObject(options);
  const { train, test } = options;
  assertOptionsObject(train, 'train');
  assertOptionsObject(test, 'test');
  assertFeaturePair(train.features, test.features, 'train.features', 'test.features');
  const [n, d] = train.features.shape;
  const m = test.features.shape[0];
  const { l2 = 1 / n, maxIterations = 1000, tolerance = 1e-5, standardize = true } = options;
  assertNumber(l2, 'l2', { min: 0 });
  assertNumber(maxIterations, 'maxIterations', { min: 0, integer: true });
  assertNumber(tolerance, 'tolerance', { min: 0 });
  assertBoolean(standardize, 'standardize');
  const trainLabels = await readLabels(train.labels, 'train.labels', n);
  const testLabels = await readLabels(test.labels, 'test.labels', m);
  const c = resolveNumClasses(options.numClasses, [
    { name: 'train.labels', labels: trainLabels },
    { name: 'test.labels', labels: testLabels },
  ]);

  const stats = standardize ? featureScaling(train.features) : null;
  const x = standardise(train.features, stats);
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(trainLabels, 'int32'), c));
  const weightCount = d * c;

  const logitsOf = (features: tf.Tensor2D, theta: Float64Array): tf.Tensor2D =>
    tf.tidy(() => {
      const w = tf.tensor2d(Float32Array.from(theta.subarray(0, weightCount)), [d, c]);
      const b = tf.tensor1d(Float32Array.from(theta.subarray(weightCount)));
      return tf.add(tf.matMul(features, w), b);
    });

  const evaluate = async (theta: Float64Array): Promise<ValueAndGradient> => {
    const [perExample, gradW, gradB] = tf.tidy(() => {
      const logits = logitsOf(x, theta);
      const lse = tf.logSumExp(logits, 1, true);
      const loss = tf.sub(tf.squeeze(lse, [1]), tf.sum(tf.mul(logits, oneHot), 1));
      const residual = tf.div(tf.sub(tf.exp(tf.sub(logits, lse)), oneHot), n);
      // (residualᵀ · x)ᵀ rather than xᵀ · residual: wasm runs a matMul with a transposed operand in a scalar
      // loop, and only the small residual and gradient are transposed this way.
      const gradW = tf.transpose(tf.matMul(tf.transpose(residual), x));
      return [loss, gradW, tf.sum(residual, 0)];
    });
    const [losses, gw, gb] = await readAndDispose([perExample, gradW, gradB]);
    let value = 0;
    for (let i = 0; i < n; i++) value += losses[i]!;
    value /= n;
    const gradient = new Float64Array(theta.length);
    for (let j = 0; j < weightCount; j++) {
      value += 0.5 * l2 * theta[j]! * theta[j]!;
      gradient[j] = gw[j]! + l2 * theta[j]!;
    }
    for (let j = 0; j < c; j++) gradient[weightCount + j] = gb[j]!;
    if (!Number.isFinite(value)) {
      throw new SimclrError(
        'linear evaluation diverged: the objective became non-finite (are the features finite and of moderate size?)',
        { code: 'non-finite' },
      );
    }
    return { value, gradient };
  };

  try {
    const fit = await minimizeLbfgs(evaluate, new Float64Array(weightCount + c), {
      maxIterations,
      tolerance,
      historySize: HISTORY,
    });
    const trainLogits = logitsOf(x, fit.x);
    const testX = standardise(test.features, stats);
    const testLogits = logitsOf(testX, fit.x);
    if (testX !== test.features) testX.dispose();
    const [trainScores, testScores] = await readAndDispose([trainLogits, testLogits]);
    const onTrain = scoreRanks(trainScores, trainLabels, c);
    const onTest = scoreRanks(testScores, testLabels, c);
    return {
      top1: onTest.top1Hits / m,
      top5: onTest.top5Hits / m,
      confusion: confusionMatrix(testLabels, onTest.predictions, c),
      predictions: onTest.predictions,
      trainTop1: onTrain.top1Hits / n,
      loss: fit.value,
      iterations: fit.iterations,
      converged: fit.converged,
    };
  } finally {
    if (x !== train.features) x.dispose();
    oneHot.dispose();
    if (stats !== null) tf.dispose([stats.mean, stats.scale]);
  }
}

import {
  assertBoolean,
  assertNumber,
  assertOptionsObject,
  createRng,
  describeValue,
  type Rng,
  SimclrError,
} from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Features } from '../extract-features.js';
import { LINEAR_PROBE_DEFAULTS } from '../linear-probe-defaults.js';
import { readAndDispose } from './read-and-dispose.js';
import { scoreRanks } from './score-ranks.js';
import { featureScaling, standardise } from './standardize.js';

/** How the linear probe's head is trained at each evaluation. */
export interface LinearProbeOptions {
  /** Step size of SGD on the head. Default 0.1 (solo-learn's `classifier_lr`). */
  learningRate?: number;
  /**
   * Heavy-ball momentum μ in [0, 1), PyTorch's convention (v ← μ·v + g, w ← w − lr·v); the velocity
   * carries over from one evaluation to the next. Default 0.9 (solo-learn's).
   */
  momentum?: number;
  /** L2 weight decay on the weights (not the bias), added to their gradient. Default 0 (solo-learn's). */
  weightDecay?: number;
  /** Passes over the labelled `train` features at each evaluation, in a fresh random order each. Default 5. */
  passes?: number;
  /** Feature rows per SGD step; the last step of a pass takes the rows left over. Default 256. */
  headBatchSize?: number;
  /**
   * Standardise every feature with the mean and standard deviation of `train`'s features, recomputed at
   * each evaluation (constant features are only centred), so that one learning rate suits any encoder.
   * Default true.
   */
  standardize?: boolean;
  /** Orders the rows of every pass. Default `createRng(0)`. */
  rng?: Rng;
}

/** What one update of the probe measured. */
export interface LinearProbeReading {
  /** Top-1 accuracy of the updated head on the held-out features. */
  top1: number;
  /** Top-5 accuracy on the held-out features (all classes count with fewer than 5). */
  top5: number;
  /** Top-1 accuracy on the `train` features it was fitted on. */
  trainTop1: number;
  /** Mean cross-entropy of the updated head on the `train` features (without the weight decay term). */
  loss: number;
}

/** {@link LinearProbeOptions} checked, with the defaults filled in. */
export type LinearProbeSettings = Required<LinearProbeOptions>;

/**
 * Checks the probe's options; errors name them with `prefix` (e.g. `'linear.'` for the options nested
 * in `evaluationMonitor`'s).
 */
export function resolveLinearProbeOptions(options: LinearProbeOptions, prefix = ''): LinearProbeSettings {
  assertOptionsObject(options, prefix === '' ? 'options' : prefix.slice(0, -1));
  const {
    learningRate = LINEAR_PROBE_DEFAULTS.learningRate,
    momentum = LINEAR_PROBE_DEFAULTS.momentum,
    weightDecay = LINEAR_PROBE_DEFAULTS.weightDecay,
    passes = LINEAR_PROBE_DEFAULTS.passes,
    headBatchSize = LINEAR_PROBE_DEFAULTS.headBatchSize,
    standardize = LINEAR_PROBE_DEFAULTS.standardize,
    rng = createRng(0),
  } = options;
  assertNumber(learningRate, `${prefix}learningRate`, { min: 0, exclusiveMin: true });
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) {
    throw new SimclrError(
      `${prefix}momentum must be a finite number >= 0 and < 1, got ${describeValue(momentum)}`,
    );
  }
  assertNumber(weightDecay, `${prefix}weightDecay`, { min: 0 });
  assertNumber(passes, `${prefix}passes`, { min: 1, integer: true });
  assertNumber(headBatchSize, `${prefix}headBatchSize`, { min: 1, integer: true });
  assertBoolean(standardize, `${prefix}standardize`);
  if (rng === null || typeof rng !== 'object' || typeof (rng as Rng).shuffle !== 'function') {
    throw new SimclrError(
      `${prefix}rng must be an Rng (createRng(seed) from @simclr/core), got ${describeValue(rng)}`,
    );
  }
  return { learningRate, momentum, weightDecay, passes, headBatchSize, standardize, rng };
}

function checkLabels(labels: Int32Array, numClasses: number, name: string): void {
  const i = labels.findIndex((v) => v < 0 || v >= numClasses);
  if (i >= 0) {
    throw new SimclrError(`${name} must lie in 0 … ${numClasses - 1}, got ${labels[i]} at index ${i}`);
  }
}

/** Mean over rows of logsumexp(row) − row[label], in float64. */
function meanCrossEntropy(logits: ArrayLike<number>, labels: Int32Array, numClasses: number): number {
  let sum = 0;
  for (let r = 0; r < labels.length; r++) {
    const offset = r * numClasses;
    let max = -Infinity;
    for (let c = 0; c < numClasses; c++) max = Math.max(max, logits[offset + c]!);
    let exp = 0;
    for (let c = 0; c < numClasses; c++) exp += Math.exp(logits[offset + c]! - max);
    sum += max + Math.log(exp) - logits[offset + labels[r]!]!;
  }
  return sum / labels.length;
}

interface HeadVariables {
  w: tf.Variable;
  b: tf.Variable;
  /** The momentum velocities, when momentum > 0. */
  vw?: tf.Variable;
  vb?: tf.Variable;
}

/**
 * A linear classifier (weights `[D, C]`, bias `[C]`, zero at the start) trained by minibatch SGD on
 * features that are plain data: they come from the host, so no gradient can reach whatever computed
 * them. Its variables, and the momentum velocity, persist from one update to the next.
 */
export class LinearProbeHead {
  readonly #settings: LinearProbeSettings;
  readonly #numClasses: number;
  #variables: HeadVariables | undefined;
  #disposed = false;

  constructor(settings: LinearProbeSettings, numClasses: number) {
    this.#settings = settings;
    this.#numClasses = numClasses;
  }

  /** Throws once {@link dispose} was called. */
  assertLive(): void {
    if (this.#disposed) throw new SimclrError('the linear probe was disposed; create a new monitor');
  }

  #variablesFor(dim: number): HeadVariables {
    if (this.#variables === undefined) {
      const c = this.#numClasses;
      const momentum = this.#settings.momentum > 0;
      // In a tidy, so that the zeros the variables start from are freed.
      this.#variables = tf.tidy(() => ({
        w: tf.variable(tf.zeros([dim, c])),
        b: tf.variable(tf.zeros([c])),
        ...(momentum && { vw: tf.variable(tf.zeros([dim, c])), vb: tf.variable(tf.zeros([c])) }),
      }));
    } else if (this.#variables.w.shape[0] !== dim) {
      throw new SimclrError(
        `encoder must return the same feature size at every evaluation, got ${dim} after ${this.#variables.w.shape[0]}`,
      );
    }
    return this.#variables;
  }

  /**
   * Trains the head `passes` times over `train`'s features (warm-started from where the last update
   * left it) and scores it on `test`'s.
   */
  async update(train: Features, test: Features): Promise<LinearProbeReading> {
    this.assertLive();
    const c = this.#numClasses;
    checkLabels(train.labels, c, 'train labels');
    checkLabels(test.labels, c, 'test labels');
    const [n, dim] = train.features.shape;
    if (test.features.shape[1] !== dim) {
      throw new SimclrError(
        `encoder must return as many features for test as for train (${dim}), got ${test.features.shape[1]}`,
      );
    }
    const { w, b, vw, vb } = this.#variablesFor(dim);
    const { learningRate, momentum, weightDecay, passes, headBatchSize, standardize, rng } = this.#settings;
    const scaling = standardize ? featureScaling(train.features) : null;
    const x = standardise(train.features, scaling);
    const xTest = standardise(test.features, scaling);
    const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(train.labels, 'int32'), c));
    try {
      for (let pass = 0; pass < passes; pass++) {
        // Each pass shuffles 0 … n-1 afresh, so k passes over two evaluations are k passes in one.
        const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
        for (let start = 0; start < n; start += headBatchSize) {
          const rows = Int32Array.from(order.slice(start, start + headBatchSize));
          tf.tidy(() => {
            const index = tf.tensor1d(rows, 'int32');
            const xb = tf.gather(x, index);
            const logits = tf.add(tf.matMul(xb, w), b);
            const residual = tf.div(tf.sub(tf.softmax(logits), tf.gather(oneHot, index)), rows.length);
            // (residualᵀ · xb)ᵀ rather than xbᵀ · residual: wasm runs a matMul with a transposed operand
            // in a scalar loop, and only the small residual and gradient are transposed this way.
            let gw: tf.Tensor = tf.transpose(tf.matMul(tf.transpose(residual), xb));
            if (weightDecay > 0) gw = tf.add(gw, tf.mul(weightDecay, w));
            const gb = tf.sum(residual, 0);
            if (vw !== undefined && vb !== undefined) {
              vw.assign(tf.add(tf.mul(momentum, vw), gw));
              vb.assign(tf.add(tf.mul(momentum, vb), gb));
              w.assign(tf.sub(w, tf.mul(learningRate, vw)));
              b.assign(tf.sub(b, tf.mul(learningRate, vb)));
            } else {
              w.assign(tf.sub(w, tf.mul(learningRate, gw)));
              b.assign(tf.sub(b, tf.mul(learningRate, gb)));
            }
          });
        }
      }
      const trainLogits = tf.tidy(() => tf.add(tf.matMul(x, w), b));
      const testLogits = tf.tidy(() => tf.add(tf.matMul(xTest, w), b));
      const [trainScores, testScores] = await readAndDispose([trainLogits, testLogits]);
      const loss = meanCrossEntropy(trainScores, train.labels, c);
      if (!Number.isFinite(loss)) {
        throw new SimclrError(
          `the linear probe diverged: its training loss became ${loss} (lower learningRate)`,
          { code: 'non-finite' },
        );
      }
      const onTrain = scoreRanks(trainScores, train.labels, c);
      const onTest = scoreRanks(testScores, test.labels, c);
      const m = test.labels.length;
      return { top1: onTest.top1Hits / m, top5: onTest.top5Hits / m, trainTop1: onTrain.top1Hits / n, loss };
    } finally {
      if (x !== train.features) x.dispose();
      if (xTest !== test.features) xTest.dispose();
      oneHot.dispose();
      if (scaling !== null) tf.dispose([scaling.mean, scaling.scale]);
    }
  }

  /** Frees the head's variables. */
  dispose(): void {
    this.#disposed = true;
    if (this.#variables !== undefined) {
      const { w, b, vw, vb } = this.#variables;
      tf.dispose([w, b, ...(vw === undefined ? [] : [vw]), ...(vb === undefined ? [] : [vb])]);
      this.#variables = undefined;
    }
  }
}

import { assertNumber } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { toVariableFilter, type VariableFilter } from './exclusions.js';
import type { NamedTensor } from './named-tensor.js';

/** Options of {@link adamw}. */
export interface AdamWOptions {
  /** Learning rate. Change it per step with `setLearningRate`. */
  learningRate: number;
  /** Decay of the first-moment estimate. Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment estimate. Default 0.999. */
  beta2?: number;
  /** Added to √v̂ for stability. Default 1e-8. */
  epsilon?: number;
  /** Decoupled weight decay λ (w ← w − lr·λ·w). Default 0.01; 0 gives plain Adam. */
  weightDecay?: number;
  /**
   * Variables excluded from weight decay: a filter on the name, a RegExp or a list of substrings.
   * Default: batch-norm parameters and biases.
   */
  exclude?: VariableFilter | RegExp | readonly string[];
}

interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019), with bias correction:
 *
 *     m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
 *     w ← w − lr·( m/(1−β1^t) / (√(v/(1−β2^t)) + ε) + λ·w )
 */
export class AdamWOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'SimclrAdamW';
  }

  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly isExcluded: VariableFilter;
  private readonly moments = new Map<string, Moments>();

  constructor(options: AdamWOptions) {
    super();
    const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0.01, exclude } = options;
    assertNumber(learningRate, 'learningRate', { min: 0 });
    assertNumber(beta1, 'beta1', { min: 0, max: 1 });
    assertNumber(beta2, 'beta2', { min: 0, max: 1 });
    assertNumber(epsilon, 'epsilon', { min: 0, exclusiveMin: true });
    assertNumber(weightDecay, 'weightDecay', { min: 0 });
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.isExcluded = toVariableFilter(exclude);
  }

  /** Sets the learning rate used from the next update on. */
  setLearningRate(learningRate: number): void {
    assertNumber(learningRate, 'learningRate', { min: 0 });
    this.learningRate = learningRate;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const t = this.iterations + 1;
    const c1 = 1 - this.beta1 ** t;
    const c2 = 1 - this.beta2 ** t;
    for (const [name, gradient] of entries) {
      if (gradient == null) continue;
      const value = tf.engine().registeredVariables[name];
      if (value === undefined) continue;
      const mo = this.momentsOf(name, value);
      const decay = this.isExcluded(name) ? 0 : this.weightDecay;
      tf.tidy(() => {
        const m = tf.add(tf.mul(mo.m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const v = tf.add(tf.mul(mo.v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        let update: tf.Tensor = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.epsilon));
        if (decay > 0) update = tf.add(update, tf.mul(value, decay));
        mo.m.assign(m);
        mo.v.assign(v);
        value.assign(tf.sub(value, tf.mul(update, this.learningRate)));
      });
    }
    this.incrementIterations();
  }

  private momentsOf(name: string, value: tf.Variable): Moments {
    let mo = this.moments.get(name);
    if (mo === undefined) {
      mo = {
        m: tf.tidy(() => tf.zerosLike(value).variable(false)),
        v: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      this.moments.set(name, mo);
    }
    return mo;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [name, mo] of this.moments) {
      out.push({ name: `${name}/m`, tensor: mo.m }, { name: `${name}/v`, tensor: mo.v });
    }
    return out;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.dispose();
    const byName = new Map(rest.map((w) => [w.name, w.tensor]));
    for (const { name } of rest) {
      if (!name.endsWith('/m')) continue;
      const base = name.slice(0, -2);
      const v = byName.get(`${base}/v`);
      if (v === undefined) continue;
      this.moments.set(base, { m: byName.get(name)!.variable(false), v: v.variable(false) });
    }
  }

  override dispose(): void {
    for (const mo of this.moments.values()) {
      mo.m.dispose();
      mo.v.dispose();
    }
    this.moments.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
    };
  }
}

/** AdamW: Adam with decoupled weight decay on the non-excluded variables. */
export function adamw(options: AdamWOptions): AdamWOptimizer {
  return new AdamWOptimizer(options);
}

/** Plain Adam: {@link adamw} with `weightDecay = 0`. */
export function adam(options: Omit<AdamWOptions, 'weightDecay' | 'exclude'>): AdamWOptimizer {
  return new AdamWOptimizer({ ...options, weightDecay: 0 });
}

import { assertNumber } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { toVariableFilter, type VariableFilter } from './exclusions.js';
import type { NamedTensor } from './named-tensor.js';

/** Options of {@link lars}. */
export interface LarsOptions {
  /** Base learning rate (before the trust ratio). Change it per step with `setLearningRate`. */
  learningRate: number;
  /** Momentum coefficient. Default 0.9. */
  momentum?: number;
  /** L2 weight decay added to the gradient before the trust ratio. Default 1e-6 (the paper's value for LARS). */
  weightDecay?: number;
  /** Trust coefficient η of the layer-wise adaptation. Default 0.001. */
  eta?: number;
  /**
   * Variables excluded from weight decay and adaptation: a filter on the variable name, a RegExp, or a list
   * of substrings. Default: batch-norm parameters and biases ({@link excludeBatchNormAndBias}).
   */
  exclude?: VariableFilter | RegExp | readonly string[];
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

interface Slot {
  name: string;
  variable: tf.Variable;
}

/**
 * Momentum SGD with coupled weight decay and, optionally, LARS layer-wise adaptation (You et al. 2017),
 * following the official SimCLR implementation: for each variable w with gradient g,
 *
 *     g ← g + λ·w                                  (unless excluded)
 *     r ← η‖w‖/‖g‖ if ‖w‖ > 0 and ‖g‖ > 0, else 1   (unless excluded or adaptation is off)
 *     v ← m·v + lr·r·g
 *     w ← w − v            (Nesterov: w ← w − (m·v + lr·r·g))
 */
export class LarsOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'SimclrLARS';
  }

  learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  /** η, or null for plain momentum SGD (no adaptation). */
  readonly eta: number | null;
  readonly nesterov: boolean;
  private readonly isExcluded: VariableFilter;
  private readonly slots = new Map<string, Slot>();

  constructor(options: Omit<LarsOptions, 'eta'> & { eta?: number | null }) {
    super();
    const {
      learningRate,
      momentum = 0.9,
      weightDecay = 1e-6,
      eta = 0.001,
      exclude,
      nesterov = false,
    } = options;
    assertNumber(learningRate, 'learningRate', { min: 0 });
    assertNumber(momentum, 'momentum', { min: 0, max: 1 });
    assertNumber(weightDecay, 'weightDecay', { min: 0 });
    if (eta !== null) assertNumber(eta, 'eta', { min: 0, exclusiveMin: true });
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.eta = eta;
    this.nesterov = nesterov;
    this.isExcluded = toVariableFilter(exclude);
  }

  /** Sets the base learning rate used from the next update on (schedules call this every step). */
  setLearningRate(learningRate: number): void {
    assertNumber(learningRate, 'learningRate', { min: 0 });
    this.learningRate = learningRate;
  }

  /** True when `name` is excluded from weight decay and adaptation. */
  excludes(name: string): boolean {
    return this.isExcluded(name);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const lr = this.learningRate;
    for (const [name, gradient] of entries) {
      if (gradient == null) continue;
      const value = tf.engine().registeredVariables[name];
      if (value === undefined) continue;
      const slot = this.slot(name, value);
      const excluded = this.isExcluded(name);
      tf.tidy(() => {
        let g: tf.Tensor = gradient;
        if (!excluded && this.weightDecay > 0) g = tf.add(g, tf.mul(value, this.weightDecay));
        let scaledLr: tf.Tensor = tf.scalar(lr);
        if (!excluded && this.eta !== null) {
          // √Σx² rather than tf.norm, whose |x|^2 through Pow is a slow scalar loop on wasm.
          const wNorm = tf.sqrt(tf.sum(tf.square(value)));
          const gNorm = tf.sqrt(tf.sum(tf.square(g)));
          const ratio = tf.where(
            tf.greater(wNorm, 0),
            tf.where(tf.greater(gNorm, 0), tf.div(tf.mul(wNorm, this.eta), gNorm), tf.scalar(1)),
            tf.scalar(1),
          );
          scaledLr = tf.mul(scaledLr, ratio);
        }
        const step = tf.mul(scaledLr, g);
        const v = tf.add(tf.mul(slot.variable, this.momentum), step);
        const update = this.nesterov ? tf.add(tf.mul(v, this.momentum), step) : v;
        slot.variable.assign(v);
        value.assign(tf.sub(value, update));
      });
    }
    this.incrementIterations();
  }

  private slot(name: string, value: tf.Variable): Slot {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = { name: `${name}/momentum`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      this.slots.set(name, slot);
    }
    return slot;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      ...[...this.slots.values()].map((s) => ({ name: s.name, tensor: s.variable as tf.Tensor })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    for (const s of this.slots.values()) s.variable.dispose();
    this.slots.clear();
    for (const { name, tensor } of rest) {
      const variableName = name.replace(/\/momentum$/, '');
      this.slots.set(variableName, { name, variable: tensor.variable(false) });
    }
  }

  override dispose(): void {
    for (const s of this.slots.values()) s.variable.dispose();
    this.slots.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      momentum: this.momentum,
      weightDecay: this.weightDecay,
      eta: this.eta,
      nesterov: this.nesterov,
    };
  }
}

/**
 * LARS with the official SimCLR semantics: weight decay is added to the gradient before the trust ratio;
 * batch-norm parameters and biases are excluded from both weight decay and adaptation.
 */
export function lars(options: LarsOptions): LarsOptimizer {
  return new LarsOptimizer(options);
}

/** Options of {@link sgd}. */
export type SgdOptions = Omit<LarsOptions, 'eta'>;

/**
 * Momentum SGD with coupled (L2) weight decay on the non-excluded variables: the same update as
 * {@link lars} without the trust ratio. Defaults as in {@link LarsOptions}.
 */
export function sgd(options: SgdOptions): LarsOptimizer {
  return new LarsOptimizer({ ...options, eta: null });
}

import type { Rng } from '@simclr/core';

/** Rows of features with a class each, on the host. */
export interface HostRows {
  /** Row-major `[rows, dim]`. */
  values: ArrayLike<number>;
  labels: ArrayLike<number>;
}

export interface ProbeSettings {
  learningRate: number;
  momentum: number;
  weightDecay: number;
  passes: number;
  headBatchSize: number;
  standardize: boolean;
  rng: Rng;
}

export interface ProbeReading {
  top1: number;
  top5: number;
  trainTop1: number;
  loss: number;
}

/**
 * The online linear probe written out in float64 on the host, from its definition: features
 * standardised with the training rows' mean and population standard deviation (a constant column keeps
 * scale 1), then minibatch SGD with heavy-ball momentum (PyTorch's convention) on the mean softmax
 * cross-entropy, each pass in the order `rng.shuffle` makes of 0 … n-1, weights and velocity kept across
 * updates.
 */
export class ReferenceProbe {
  readonly w: Float64Array;
  readonly b: Float64Array;
  readonly vw: Float64Array;
  readonly vb: Float64Array;

  constructor(
    readonly dim: number,
    readonly classes: number,
    readonly settings: ProbeSettings,
  ) {
    this.w = new Float64Array(dim * classes);
    this.b = new Float64Array(classes);
    this.vw = new Float64Array(dim * classes);
    this.vb = new Float64Array(classes);
  }

  #logits(x: Float64Array, row: number): Float64Array {
    const { dim, classes } = this;
    const out = Float64Array.from(this.b);
    for (let j = 0; j < dim; j++) {
      const v = x[row * dim + j]!;
      for (let c = 0; c < classes; c++) out[c]! += v * this.w[j * classes + c]!;
    }
    return out;
  }

  update(train: HostRows, test: HostRows): ProbeReading {
    const { dim, classes } = this;
    const { learningRate, momentum, weightDecay, passes, headBatchSize, standardize, rng } = this.settings;
    const n = train.labels.length;
    const mean = new Float64Array(dim);
    const scale = new Float64Array(dim).fill(1);
    if (standardize) {
      for (let j = 0; j < dim; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += train.values[i * dim + j]!;
        mean[j] = s / n;
        let q = 0;
        for (let i = 0; i < n; i++) q += (train.values[i * dim + j]! - mean[j]!) ** 2;
        const std = Math.sqrt(q / n);
        scale[j] = std <= 1e-6 * Math.max(Math.abs(mean[j]!), 1) ? 1 : std;
      }
    }
    const standardise = (rows: HostRows) =>
      Float64Array.from(
        { length: rows.labels.length * dim },
        (_, k) => (rows.values[k]! - mean[k % dim]!) / scale[k % dim]!,
      );
    const x = standardise(train);
    const xTest = standardise(test);
    for (let pass = 0; pass < passes; pass++) {
      const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      for (let start = 0; start < n; start += headBatchSize) {
        const rows = order.slice(start, start + headBatchSize);
        const gw = new Float64Array(dim * classes);
        const gb = new Float64Array(classes);
        for (const r of rows) {
          const logits = this.#logits(x, r);
          const max = Math.max(...logits);
          const exp = logits.map((l) => Math.exp(l - max));
          const total = exp.reduce((s, e) => s + e, 0);
          for (let c = 0; c < classes; c++) {
            const residual = (exp[c]! / total - (train.labels[r] === c ? 1 : 0)) / rows.length;
            gb[c]! += residual;
            for (let j = 0; j < dim; j++) gw[j * classes + c]! += residual * x[r * dim + j]!;
          }
        }
        for (let k = 0; k < gw.length; k++) {
          const g = gw[k]! + weightDecay * this.w[k]!;
          this.vw[k] = momentum * this.vw[k]! + g;
          this.w[k]! -= learningRate * (momentum > 0 ? this.vw[k]! : g);
        }
        for (let c = 0; c < classes; c++) {
          this.vb[c] = momentum * this.vb[c]! + gb[c]!;
          this.b[c]! -= learningRate * (momentum > 0 ? this.vb[c]! : gb[c]!);
        }
      }
    }
    const score = (xs: Float64Array, labels: ArrayLike<number>) => {
      let top1 = 0;
      let top5 = 0;
      let loss = 0;
      for (let r = 0; r < labels.length; r++) {
        const logits = this.#logits(xs, r);
        const label = labels[r]!;
        const above = logits.filter(
          (l, c) => l > logits[label]! || (l === logits[label]! && c < label),
        ).length;
        if (above === 0) top1++;
        if (above < Math.min(5, classes)) top5++;
        const max = Math.max(...logits);
        loss += max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0)) - logits[label]!;
      }
      return { top1: top1 / labels.length, top5: top5 / labels.length, loss: loss / labels.length };
    };
    const onTrain = score(x, train.labels);
    const onTest = score(xTest, test.labels);
    return { top1: onTest.top1, top5: onTest.top5, trainTop1: onTrain.top1, loss: onTrain.loss };
  }
}

// Float64 transcriptions of the formulas, written loop by loop so they share no code with the library.

export type Rows = number[][];

export function rows(flat: ArrayLike<number>, n: number, d: number): Rows {
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => flat[i * d + j]!));
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

function norm(a: number[]): number {
  return Math.sqrt(dot(a, a));
}

function unit(a: number[]): number[] {
  const r = Math.max(norm(a), 1e-12);
  return a.map((v) => v / r);
}

function views(z1: Rows, z2: Rows, normalize: boolean): Rows {
  const all = [...z1, ...z2];
  return normalize ? all.map(unit) : all;
}

function partner(i: number, n: number): number {
  return i < n ? i + n : i - n;
}

/** NT-Xent (mean over the 2N anchors) and its gradient with respect to [z1; z2], row-major. */
export function ntXentReference(
  z1: Rows,
  z2: Rows,
  temperature: number,
  normalize: boolean,
): { loss: number; grad: Float64Array } {
  const n = z1.length;
  const d = z1[0]!.length;
  const m = 2 * n;
  const raw = [...z1, ...z2];
  const u = views(z1, z2, normalize);
  const s = u.map((a) => u.map((b) => dot(a, b) / temperature));
  // dL/dS, zero on the diagonal.
  const g: Rows = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  let loss = 0;
  for (let i = 0; i < m; i++) {
    let max = -Infinity;
    for (let k = 0; k < m; k++) if (k !== i) max = Math.max(max, s[i]![k]!);
    let sum = 0;
    for (let k = 0; k < m; k++) if (k !== i) sum += Math.exp(s[i]![k]! - max);
    const lse = max + Math.log(sum);
    const p = partner(i, n);
    loss += lse - s[i]![p]!;
    for (let k = 0; k < m; k++) {
      if (k === i) continue;
      g[i]![k] = (Math.exp(s[i]![k]! - lse) - (k === p ? 1 : 0)) / m;
    }
  }
  loss /= m;
  const grad = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    // S = u uᵀ / τ  ⇒  dL/du_i = Σ_k (G_ik + G_ki) u_k / τ
    const du = new Array<number>(d).fill(0);
    for (let k = 0; k < m; k++) {
      const w = (g[i]![k]! + g[k]![i]!) / temperature;
      if (w !== 0) for (let j = 0; j < d; j++) du[j]! += w * u[k]![j]!;
    }
    let dz = du;
    if (normalize) {
      // u = z / |z|  ⇒  dL/dz = (du − u (u·du)) / |z|
      const r = Math.max(norm(raw[i]!), 1e-12);
      const proj = dot(u[i]!, du);
      dz = du.map((v, j) => (v - u[i]![j]! * proj) / r);
    }
    for (let j = 0; j < d; j++) grad[i * d + j] = dz[j]!;
  }
  return { loss, grad };
}

/** Supervised contrastive loss (Khosla et al. 2020, L_out), mean over the anchors that have a positive. */
export function supConReference(z: Rows, labels: number[], temperature: number, normalize: boolean): number {
  const u = normalize ? z.map(unit) : z;
  const m = u.length;
  let total = 0;
  let anchors = 0;
  for (let i = 0; i < m; i++) {
    const s = u.map((b) => dot(u[i]!, b) / temperature);
    let max = -Infinity;
    for (let k = 0; k < m; k++) if (k !== i) max = Math.max(max, s[k]!);
    let sum = 0;
    for (let k = 0; k < m; k++) if (k !== i) sum += Math.exp(s[k]! - max);
    const lse = max + Math.log(sum);
    let acc = 0;
    let count = 0;
    for (let p = 0; p < m; p++) {
      if (p === i || labels[p] !== labels[i]) continue;
      acc += s[p]! - lse;
      count++;
    }
    if (count > 0) {
      total += -acc / count;
      anchors++;
    }
  }
  return total / anchors;
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Per anchor: a term for its positive plus the mean over its (selected) negatives; mean over 2N anchors. */
function pairwise(
  z1: Rows,
  z2: Rows,
  normalize: boolean,
  semiHard: boolean,
  term: (pos: number, neg: number) => { pos: number; neg: number },
): number {
  const n = z1.length;
  const u = views(z1, z2, normalize);
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const pos = dot(u[i]!, u[partner(i, n)]!);
    let negSum = 0;
    let count = 0;
    for (let k = 0; k < 2 * n; k++) {
      if (k === i || k === partner(i, n)) continue;
      const neg = dot(u[i]!, u[k]!);
      if (semiHard && !(neg < pos)) continue;
      negSum += term(pos, neg).neg;
      count++;
    }
    total += term(pos, 0).pos + (count > 0 ? negSum / count : 0);
  }
  return total / (2 * n);
}

export function ntLogisticReference(
  z1: Rows,
  z2: Rows,
  temperature: number,
  normalize: boolean,
  semiHard: boolean,
): number {
  return pairwise(z1, z2, normalize, semiHard, (pos, neg) => ({
    pos: softplus(-pos / temperature),
    neg: softplus(neg / temperature),
  }));
}

export function marginTripletReference(
  z1: Rows,
  z2: Rows,
  margin: number,
  normalize: boolean,
  semiHard: boolean,
): number {
  return pairwise(z1, z2, normalize, semiHard, (pos, neg) => ({
    pos: 0,
    neg: Math.max(neg - pos + margin, 0),
  }));
}

/** Fraction of the 2N anchors whose positive is strictly more similar (cosine) than all 2N − 2 negatives. */
export function contrastiveAccuracyReference(z1: Rows, z2: Rows): number {
  const n = z1.length;
  const u = views(z1, z2, true);
  let hits = 0;
  for (let i = 0; i < 2 * n; i++) {
    const pos = dot(u[i]!, u[partner(i, n)]!);
    let best = -Infinity;
    for (let k = 0; k < 2 * n; k++) {
      if (k !== i && k !== partner(i, n)) best = Math.max(best, dot(u[i]!, u[k]!));
    }
    if (pos > best) hits++;
  }
  return hits / (2 * n);
}

export function alignmentReference(z1: Rows, z2: Rows, alpha: number, normalize: boolean): number {
  let total = 0;
  for (let i = 0; i < z1.length; i++) {
    const a = normalize ? unit(z1[i]!) : z1[i]!;
    const b = normalize ? unit(z2[i]!) : z2[i]!;
    total += norm(a.map((v, j) => v - b[j]!)) ** alpha;
  }
  return total / z1.length;
}

export function uniformityReference(z: Rows, t: number, normalize: boolean): number {
  const u = normalize ? z.map(unit) : z;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < u.length; i++) {
    for (let j = i + 1; j < u.length; j++) {
      const sq = u[i]!.reduce((acc, v, k) => acc + (v - u[j]![k]!) ** 2, 0);
      sum += Math.exp(-t * sq);
      pairs++;
    }
  }
  return Math.log(sum / pairs);
}

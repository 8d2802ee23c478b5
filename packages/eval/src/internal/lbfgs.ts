/** A function's value and gradient at a point. */
export interface ValueAndGradient {
  value: number;
  gradient: Float64Array;
}

/** Settings of {@link minimizeLbfgs}. */
export interface LbfgsSettings {
  /** Iterations (accepted steps) at most. */
  maxIterations: number;
  /** Stop once the largest |gradient entry| is at most this. */
  tolerance: number;
  /** Correction pairs kept; scipy's default is 10. */
  historySize: number;
}

/** Where {@link minimizeLbfgs} stopped. */
export interface LbfgsResult extends ValueAndGradient {
  x: Float64Array;
  iterations: number;
  /** The gradient reached the tolerance. */
  converged: boolean;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 30;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * Limited-memory BFGS (Nocedal & Wright, algorithm 7.4) with a backtracking Armijo line search, for
 * smooth convex objectives: convexity keeps every correction pair's curvature s·y positive, so the
 * stronger Wolfe conditions are not needed. The direction is computed on the host in float64.
 * Stops at the tolerance, after `maxIterations`, or when no step along the direction decreases the value
 * any more (the value's own rounding is then larger than what is left to gain).
 */
export async function minimizeLbfgs(
  evaluate: (x: Float64Array) => Promise<ValueAndGradient>,
  x0: Float64Array,
  settings: LbfgsSettings,
): Promise<LbfgsResult> {
  const size = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let { value, gradient } = await evaluate(x);
  const pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  const alpha = new Float64Array(settings.historySize);
  let iterations = 0;
  while (iterations < settings.maxIterations && maxAbs(gradient) > settings.tolerance) {
    const direction = Float64Array.from(gradient);
    for (let i = pairs.length - 1; i >= 0; i--) {
      const { s, y, rho } = pairs[i]!;
      alpha[i] = rho * dot(s, direction);
      for (let j = 0; j < size; j++) direction[j]! -= alpha[i]! * y[j]!;
    }
    const newest = pairs.at(-1);
    // Without history, the first step is scaled so it moves x by at most about 1.
    const gamma = newest
      ? dot(newest.s, newest.y) / dot(newest.y, newest.y)
      : 1 / Math.max(1, Math.sqrt(dot(gradient, gradient)));
    for (let j = 0; j < size; j++) direction[j]! *= -gamma;
    for (let i = 0; i < pairs.length; i++) {
      const { s, y, rho } = pairs[i]!;
      const beta = rho * dot(y, direction);
      for (let j = 0; j < size; j++) direction[j]! -= s[j]! * (alpha[i]! + beta);
    }
    const slope = dot(gradient, direction);
    if (!(slope < 0)) break;

    let step = 1;
    let next: (ValueAndGradient & { x: Float64Array }) | undefined;
    for (let t = 0; t < MAX_BACKTRACKS; t++) {
      const candidate = new Float64Array(size);
      for (let j = 0; j < size; j++) candidate[j] = x[j]! + step * direction[j]!;
      const trial = await evaluate(candidate);
      if (trial.value <= value + ARMIJO * step * slope) {
        next = { x: candidate, ...trial };
        break;
      }
      step /= 2;
    }
    if (next === undefined) break;

    const s = new Float64Array(size);
    const y = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      s[j] = next.x[j]! - x[j]!;
      y[j] = next.gradient[j]! - gradient[j]!;
    }
    const curvature = dot(s, y);
    if (curvature > 0) {
      if (pairs.length === settings.historySize) pairs.shift();
      pairs.push({ s, y, rho: 1 / curvature });
    }
    ({ x, value, gradient } = next);
    iterations++;
  }
  return { x, value, gradient, iterations, converged: maxAbs(gradient) <= settings.tolerance };
}

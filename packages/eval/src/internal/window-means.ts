/** A point of a curve. */
export interface CurvePoint {
  x: number;
  y: number;
}

/**
 * At most `maxPoints` points: consecutive windows of `window` points become one point, at the window's
 * last x, with the mean y. A long run logs far more steps than a chart can show, and averaging (unlike
 * picking every n-th step) keeps the trend of a noisy loss.
 */
export function windowMeans(
  points: readonly CurvePoint[],
  maxPoints: number,
): { points: CurvePoint[]; window: number } {
  const window = Math.max(1, Math.ceil(points.length / maxPoints));
  if (window === 1) return { points: points.map(({ x, y }) => ({ x, y })), window };
  const out: CurvePoint[] = [];
  for (let start = 0; start < points.length; start += window) {
    const slice = points.slice(start, start + window);
    out.push({ x: slice.at(-1)!.x, y: slice.reduce((s, p) => s + p.y, 0) / slice.length });
  }
  return { points: out, window };
}

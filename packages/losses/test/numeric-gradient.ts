/** Central differences of a float64 function of a flat input, at the given indices. */
export function numericGradient(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  indices: number[],
  h = 1e-6,
): number[] {
  const base = Float64Array.from(x);
  return indices.map((i) => {
    const plus = Float64Array.from(base);
    const minus = Float64Array.from(base);
    plus[i]! += h;
    minus[i]! -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

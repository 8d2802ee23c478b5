/** A fraction as a percentage with one decimal, e.g. `0.4531` → `45.3%`. */
export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}

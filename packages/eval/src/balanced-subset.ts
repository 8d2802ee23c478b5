import { describeValue, type Rng, SimclrError } from '@simclr/core';

/**
 * A class-balanced subset of a labelled set, as used for the paper's 1% and 10% semi-supervised
 * results: every class keeps `Math.round(fraction × its size)` of its examples, drawn at random from
 * `rng`, so the class proportions stay those of the whole set (and on a set with equal classes every
 * class gets the same count). Returns the chosen indices in increasing order. The same labels,
 * fraction and generator state give the same subset.
 *
 * @throws SimclrError when `fraction` is not in (0, 1], a label is not an integer >= 0, or the fraction
 * would leave a class that has examples with none (the message names the class and a fraction that
 * keeps it).
 */
export function balancedSubset(labels: ArrayLike<number>, fraction: number, rng: Rng): number[] {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new SimclrError(`labels must be an array of integers, got ${describeValue(labels)}`);
  }
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1)) {
    throw new SimclrError(`fraction must be a number in (0, 1], got ${describeValue(fraction)}`);
  }
  if (rng === null || typeof rng !== 'object' || typeof rng.shuffle !== 'function') {
    throw new SimclrError(
      `rng must be an Rng (createRng(seed) from @simclr/core), got ${describeValue(rng)}`,
    );
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0) {
      throw new SimclrError(`labels must be integers >= 0, got ${describeValue(label)} at index ${i}`);
    }
    const members = byClass.get(label);
    if (members === undefined) byClass.set(label, [i]);
    else members.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const chosen: number[] = [];
  for (const label of classes) {
    const members = byClass.get(label)!;
    const count = Math.round(fraction * members.length);
    if (count === 0) {
      throw new SimclrError(
        `fraction ${fraction} leaves class ${label} (${members.length} examples) empty; use a fraction >= ${1 / members.length}`,
      );
    }
    chosen.push(...rng.shuffle(members).slice(0, count));
  }
  return chosen.sort((a, b) => a - b);
}

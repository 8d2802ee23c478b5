import type { Mismatches } from './mapping-mismatch.js';
import { noMismatches } from './mapping-mismatch.js';
import type { TargetWeight } from './mapping-target.js';

/** One model weight and how its values come from the state dict. */
export interface Assignment {
  target: TargetWeight;
  /** The state-dict keys it is computed from. */
  sources: string[];
  /** The values in the weight's tfjs layout; called only once everything fits. */
  values: () => Float32Array;
}

/** What loading a state dict into a model will do, worked out before anything is assigned. */
export interface Plan {
  assignments: Assignment[];
  /** Keys that were read on purpose without a weight to go to (`num_batches_tracked`, classifiers). */
  ignored: string[];
  /** Exact rewrites the mapping made (a bias folded into a moving mean), one sentence each. */
  notes: string[];
  mismatches: Mismatches;
  /** Keys that have no weight to go to. */
  unexpected: string[];
  /** Keys some assignment reads, or ignored, or counted as a mismatch. */
  handled: Set<string>;
  /** Model weights some assignment sets, or that a mismatch already names. */
  covered: Set<string>;
}

export function emptyPlan(): Plan {
  return {
    assignments: [],
    ignored: [],
    unexpected: [],
    notes: [],
    mismatches: noMismatches(),
    handled: new Set(),
    covered: new Set(),
  };
}

export function assign(
  plan: Plan,
  target: TargetWeight,
  sources: string[],
  values: () => Float32Array,
): void {
  plan.assignments.push({ target, sources, values });
  plan.covered.add(target.name);
  for (const key of sources) plan.handled.add(key);
}

export function ignore(plan: Plan, key: string): void {
  plan.ignored.push(key);
  plan.handled.add(key);
}

/** Computes a value once, the first time it is asked for (for results that two weights share). */
export function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as T;
  };
}

export function unexpected(plan: Plan, key: string): void {
  plan.unexpected.push(key);
  plan.handled.add(key);
}

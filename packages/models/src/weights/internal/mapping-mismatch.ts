import { SimclrError } from '@simclr/core';

/** What does not fit between a state dict and a model, each item one line for the error message. */
export interface Mismatches {
  /** Model weights that no entry sets. */
  missing: string[];
  /** Entries that no model weight takes. */
  unexpected: string[];
  /** Entries whose shape differs from the weight's, with both shapes. */
  wrongShape: string[];
  /** Heads whose layers do not correspond (a batch norm on one side only, another number of layers). */
  structure: string[];
}

export function noMismatches(): Mismatches {
  return { missing: [], unexpected: [], wrongShape: [], structure: [] };
}

/** `[3,3,64,64]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** How many lines of each kind the error message lists. */
const LISTED = 5;

function section(title: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, LISTED).map((item) => `    ${item}`);
  const more = items.length > LISTED ? [`    … and ${items.length - LISTED} more`] : [];
  return [`  ${title} (${items.length}):`, ...shown, ...more];
}

/**
 * One `SimclrError` (code `'mismatch'`) that lists the first few of each kind of mismatch, and any
 * hints (what the checkpoint and the model look like).
 */
export function mismatchError(context: string, m: Mismatches, hints: readonly string[]): SimclrError {
  const counts = [
    [m.missing.length, 'missing'],
    [m.unexpected.length, 'unexpected'],
    [m.wrongShape.length, 'with the wrong shape'],
    [m.structure.length, 'head layers that do not correspond'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
  const lines = [
    `${context} does not fit the model (${counts}); nothing was loaded`,
    ...section('head layers that do not correspond', m.structure),
    ...section('wrong shape', m.wrongShape),
    ...section('missing from the checkpoint', m.missing),
    ...section('unexpected in the checkpoint', m.unexpected),
    ...hints.map((h) => `  ${h}`),
  ];
  return new SimclrError(lines.join('\n'), { code: 'mismatch' });
}

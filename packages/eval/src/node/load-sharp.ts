import { SimclrError } from '@simclr/core';

/** The `sharp` module, when it is installed (it is an optional peer dependency). */
export type Sharp = typeof import('sharp')['default'];

/** Imports sharp, or returns undefined when it is not installed. */
export async function loadSharp(): Promise<Sharp | undefined> {
  try {
    return (await import('sharp')).default;
  } catch {
    return undefined;
  }
}

/** The error for a feature that needs sharp when it is missing. */
export function sharpMissing(what: string): SimclrError {
  return new SimclrError(
    `${what} needs sharp, an optional peer dependency of @simclr/eval: npm install sharp`,
  );
}

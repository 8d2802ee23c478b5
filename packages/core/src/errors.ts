/**
 * The one error type of the library. Its message names the argument, what was received and what is
 * allowed, so a caller can fix the call without reading the source.
 */
export class SimclrError extends Error {
  override readonly name = 'SimclrError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

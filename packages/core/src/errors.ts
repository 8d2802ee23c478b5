const MARKER = Symbol.for('@simclr/core.SimclrError');

/**
 * The one error type of the library. Its message names the function or argument, what was received
 * and what is allowed, so a caller can fix the call without reading the source. `code` says the kind
 * of failure to programs: `'invalid-argument'` (the default), `'io'` (a file operation; see `ioError`),
 * `'corrupt'` (data that fails its checks), `'mismatch'` (a resume whose settings differ),
 * `'non-finite'` (a NaN or infinity where a number was needed), `'unavailable'` (a backend or addon that
 * cannot load here).
 *
 * Recognise it with {@link SimclrError.is}, not `instanceof`: with the packages installed separately,
 * two copies of `@simclr/core` may be loaded, each with its own class.
 */
export class SimclrError extends Error {
  override readonly name = 'SimclrError';
  readonly code: SimclrErrorCode;
  readonly [MARKER] = true;

  constructor(message: string, options?: { cause?: unknown; code?: SimclrErrorCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = options?.code ?? 'invalid-argument';
  }

  /** Whether `error` is a `SimclrError`, from this copy of `@simclr/core` or any other. */
  static is(error: unknown): error is SimclrError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** The kinds of {@link SimclrError}. */
export type SimclrErrorCode =
  | 'invalid-argument'
  | 'io'
  | 'corrupt'
  | 'mismatch'
  | 'non-finite'
  | 'unavailable';

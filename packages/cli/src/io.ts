/** A stream a command writes to; `isTTY` picks a live progress bar over plain lines. */
export type Output = NodeJS.WritableStream & { isTTY?: boolean };

/** Where a command writes: results to `out` (what a script pipes on), progress and warnings to `err`. */
export interface Io {
  out: Output;
  err: Output;
}

/** The process's own streams. */
export function processIo(): Io {
  return { out: process.stdout, err: process.stderr };
}

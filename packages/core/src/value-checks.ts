let enabled = true;

/**
 * Whether the library's functions read tensors back to check their values (finite embeddings, images in
 * range). Default true. Each check is a sync with the backend (on webgl, a GPU round trip), so a loop that
 * checks its own result once per step turns them off around its steps: `pretrain` does.
 */
export function valueChecksEnabled(): boolean {
  return enabled;
}

/** Turns the value checks on or off for everything that follows; returns the previous setting. */
export function setValueChecks(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/**
 * Runs `fn` with the value checks set to `on`, and puts the previous setting back when it settles, also
 * when it throws. The shapes, dtypes and option checks stay on either way: they cost nothing.
 */
export async function withValueChecks<T>(on: boolean, fn: () => Promise<T> | T): Promise<T> {
  const previous = setValueChecks(on);
  try {
    return await fn();
  } finally {
    setValueChecks(previous);
  }
}

/**
 * Lets the browser handle input and paint between training steps. On wasm and cpu a step's read-backs
 * resolve without leaving the task queue, so without this the page would not see a click on Pause until
 * the run ended.
 */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

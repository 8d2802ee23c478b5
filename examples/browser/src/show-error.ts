/** Shows `error` in the panel's `.error` element and marks the panel with `data-error` for tests. */
export function showError(panel: HTMLElement, error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(error);
  panel.dataset.error = message;
  const box = panel.querySelector<HTMLElement>('.error');
  if (box !== null) {
    box.textContent = message;
    box.hidden = false;
  }
}

/** Hides the panel's error again. */
export function clearError(panel: HTMLElement): void {
  delete panel.dataset.error;
  const box = panel.querySelector<HTMLElement>('.error');
  if (box !== null) box.hidden = true;
}

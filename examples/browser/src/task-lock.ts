/**
 * One long task at a time (training, evaluation, the benchmark, loading a model): they share the tfjs
 * engine and its active backend, so the controls of the others are disabled while one runs.
 */
export class TaskLock {
  #task: string | null = null;
  readonly #listeners = new Set<() => void>();

  /** The name of the running task, or null. */
  get task(): string | null {
    return this.#task;
  }

  /** Calls `listener` whenever a task starts or ends. */
  subscribe(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** Runs `fn` as the task `name`; throws if another task is running. */
  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.#task !== null) throw new Error(`cannot start ${name} while ${this.#task} runs`);
    this.#task = name;
    this.#notify();
    try {
      return await fn();
    } finally {
      this.#task = null;
      this.#notify();
    }
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describeValue } from '../describe-value.js';
import { SimclrError } from '../errors.js';

/**
 * Starts a worker thread on the module `script` names, a `.js` URL beside the caller's module (e.g.
 * `new URL('./replica-worker.js', import.meta.url)`). When that file does not exist because the caller
 * runs from its TypeScript source (tests, `tsx`), the `.ts` beside it is loaded through tsx with the
 * `source` export condition, as the workspace's tests resolve packages.
 */
export function startWorker(script: URL, workerData: unknown): Worker {
  if (existsSync(fileURLToPath(script))) return new Worker(script, { workerData });
  const ts = new URL(script.href.replace(/\.js$/, '.ts')).href;
  const code = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(ts)}, ${JSON.stringify(ts)}))`;
  return new Worker(code, { eval: true, workerData, execArgv: ['--conditions=source'] });
}

/**
 * A worker count: `'auto'` (or undefined) is one per core (`os.availableParallelism()`), else an integer
 * >= 1. `name` names the option in the error.
 *
 * @throws SimclrError on anything else.
 */
export function resolveWorkerCount(workers: unknown, name = 'workers'): number {
  if (workers === 'auto' || workers === undefined) return availableParallelism();
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1) {
    throw new SimclrError(`${name} must be 'auto' or an integer >= 1, got ${describeValue(workers)}`);
  }
  return workers;
}

import * as tf from '@tensorflow/tfjs-core';
import { type AppBackend, activateBackend, webgpuSupport } from './backends.js';
import { fashionMnistSplit, firstN } from './fashion-mnist.js';
import { batchForWorkers, canTrainOnWorkers, maxWorkers } from './replica-workers.js';
import { runPretrain } from './run-pretrain.js';
import { clearError, showError } from './show-error.js';
import type { TaskLock } from './task-lock.js';
import { createModel, trainingConfig } from './training-setup.js';
import { yieldToBrowser } from './yield-to-browser.js';

/** One row of the comparison: a backend on the page's thread, or wasm on `workers` Web Workers. */
interface Compared {
  backend: AppBackend;
  workers: number;
}

/** A timed run on one backend. */
export interface StepRate {
  backend: AppBackend;
  workers: number;
  batchSize: number;
  stepsPerSecond: number;
  imagesPerSecond: number;
}

/**
 * Times `steps` training steps of the page's model and augmentation on `backend` (with `workers` > 1:
 * data-parallel on that many Web Workers on wasm), after one untimed step that compiles the shaders or
 * instantiates the wasm module. The clock runs from the end of that step to the end of the last one,
 * through `pretrain` (or `pretrainReplicated`) itself.
 */
export async function measureStepRate(
  backend: AppBackend,
  batchSize: number,
  steps: number,
  workers = 1,
): Promise<StepRate> {
  await activateBackend(backend);
  const train = await fashionMnistSplit('train');
  const model = createModel(0);
  const ends: number[] = [];
  try {
    await runPretrain(
      trainingConfig(
        { images: batchSize * (steps + 1), batchSize, epochs: 1, learningRate: 3e-3, seed: 0 },
        0,
      ),
      {
        model,
        dataset: firstN(train, batchSize * (steps + 1)),
        workers,
        onStep: async () => {
          ends.push(performance.now());
          await yieldToBrowser();
        },
      },
    );
  } finally {
    model.dispose();
  }
  const stepsPerSecond = steps / ((ends.at(-1)! - ends[0]!) / 1000);
  return { backend, workers, batchSize, stepsPerSecond, imagesPerSecond: stepsPerSecond * batchSize };
}

/**
 * Steps per second of the same training on webgpu, on webgl and on wasm in this page, one after the
 * other, and, in a cross-origin isolated page on a machine with several cores, on wasm on one Web Worker
 * per core; the backend active before is restored afterwards. Where the browser cannot run webgpu its row
 * says why instead. Each row carries `data-steps-per-second` and the panel
 * `data-steps-per-second-<backend>` (`-wasm-workers` for the workers, whose count is in `data-workers`)
 * for tests; a row that could not be measured carries `data-unavailable` with the reason, as does the
 * panel (`data-unavailable-<backend>`).
 */
export function createBenchmarkPanel(root: HTMLElement, lock: TaskLock): void {
  const batchInput = root.querySelector<HTMLInputElement>('#bench-batch')!;
  const stepsInput = root.querySelector<HTMLInputElement>('#bench-steps')!;
  const button = root.querySelector<HTMLButtonElement>('#bench-start')!;
  const rows = root.querySelector<HTMLTableSectionElement>('#bench-rows')!;

  const compared = (): Compared[] => [
    { backend: 'webgpu', workers: 1 },
    { backend: 'webgl', workers: 1 },
    { backend: 'wasm', workers: 1 },
    ...(canTrainOnWorkers() && maxWorkers() > 1 ? [{ backend: 'wasm' as const, workers: maxWorkers() }] : []),
  ];
  const refresh = () => {
    button.disabled = lock.task !== null;
  };
  lock.subscribe(refresh);
  refresh();

  button.addEventListener('click', () => {
    clearError(root);
    delete root.dataset.done;
    rows.replaceChildren();
    for (const key of Object.keys(root.dataset)) {
      if (key.startsWith('stepsPerSecond') || key.startsWith('unavailable')) delete root.dataset[key];
    }
    const batchSize = batchInput.valueAsNumber;
    const steps = stepsInput.valueAsNumber;
    lock
      .run('benchmark', async () => {
        const previous = tf.getBackend() as AppBackend;
        try {
          for (const { backend, workers } of compared()) {
            const row = rows.insertRow();
            const name = `${backend[0]!.toUpperCase()}${backend.slice(1)}${workers > 1 ? 'Workers' : ''}`;
            row.insertCell().textContent = workers > 1 ? `${backend} × ${workers} workers` : backend;
            const rate = row.insertCell();
            const images = row.insertCell();
            rate.textContent = 'running…';
            const unavailable = (reason: string) => {
              rate.textContent = 'unavailable';
              images.textContent = reason;
              row.dataset.unavailable = reason;
              root.dataset[`unavailable${name}`] = reason;
            };
            if (backend === 'webgpu') {
              const webgpu = await webgpuSupport();
              if (!webgpu.available) {
                unavailable(webgpu.reason);
                continue;
              }
            }
            try {
              const batch = workers > 1 ? batchForWorkers(batchSize, workers) : batchSize;
              const result = await measureStepRate(backend, batch, steps, workers);
              rate.textContent = result.stepsPerSecond.toFixed(2);
              images.textContent =
                result.imagesPerSecond.toFixed(0) + (batch === batchSize ? '' : ` (batch ${batch})`);
              row.dataset.stepsPerSecond = String(result.stepsPerSecond);
              root.dataset[`stepsPerSecond${name}`] = String(result.stepsPerSecond);
              if (workers > 1) root.dataset.workers = String(workers);
            } catch (error) {
              unavailable(error instanceof Error ? error.message : String(error));
            }
          }
        } finally {
          await activateBackend(previous);
        }
        root.dataset.done = 'true';
      })
      .catch((error: unknown) => showError(root, error));
  });
}

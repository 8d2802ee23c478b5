import { pretrain } from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';
import { type AppBackend, activateBackend } from './backends.js';
import { fashionMnistSplit, firstN } from './fashion-mnist.js';
import { clearError, showError } from './show-error.js';
import type { TaskLock } from './task-lock.js';
import { createModel, trainingAugment, trainingConfig } from './training-setup.js';
import { yieldToBrowser } from './yield-to-browser.js';

/** The backends compared. */
const COMPARED: readonly AppBackend[] = ['webgl', 'wasm'];

/** A timed run on one backend. */
export interface StepRate {
  backend: AppBackend;
  stepsPerSecond: number;
  imagesPerSecond: number;
}

/**
 * Times `steps` training steps of the page's model and augmentation on `backend`, after one untimed step
 * that compiles the shaders or instantiates the wasm module. The clock runs from the end of that step to
 * the end of the last one, through `pretrain` itself.
 */
export async function measureStepRate(
  backend: AppBackend,
  batchSize: number,
  steps: number,
): Promise<StepRate> {
  await activateBackend(backend);
  const train = await fashionMnistSplit('train');
  const model = createModel(0);
  const ends: number[] = [];
  try {
    await pretrain(
      trainingConfig(
        { images: batchSize * (steps + 1), batchSize, epochs: 1, learningRate: 3e-3, seed: 0 },
        0,
      ),
      {
        model,
        dataset: firstN(train, batchSize * (steps + 1)),
        augment: trainingAugment(),
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
  return { backend, stepsPerSecond, imagesPerSecond: stepsPerSecond * batchSize };
}

/**
 * Steps per second of the same training on webgl and on wasm in this page, one after the other; the
 * backend active before is restored afterwards. Each row carries `data-steps-per-second` and the panel
 * `data-steps-per-second-<backend>` for tests.
 */
export function createBenchmarkPanel(root: HTMLElement, lock: TaskLock): void {
  const batchInput = root.querySelector<HTMLInputElement>('#bench-batch')!;
  const stepsInput = root.querySelector<HTMLInputElement>('#bench-steps')!;
  const button = root.querySelector<HTMLButtonElement>('#bench-start')!;
  const rows = root.querySelector<HTMLTableSectionElement>('#bench-rows')!;

  const refresh = () => {
    button.disabled = lock.task !== null;
  };
  lock.subscribe(refresh);
  refresh();

  button.addEventListener('click', () => {
    clearError(root);
    delete root.dataset.done;
    rows.replaceChildren();
    const batchSize = batchInput.valueAsNumber;
    const steps = stepsInput.valueAsNumber;
    lock
      .run('benchmark', async () => {
        const previous = tf.getBackend() as AppBackend;
        try {
          for (const backend of COMPARED) {
            const row = rows.insertRow();
            row.insertCell().textContent = backend;
            const rate = row.insertCell();
            const images = row.insertCell();
            rate.textContent = 'running…';
            try {
              const result = await measureStepRate(backend, batchSize, steps);
              rate.textContent = result.stepsPerSecond.toFixed(2);
              images.textContent = result.imagesPerSecond.toFixed(0);
              row.dataset.stepsPerSecond = String(result.stepsPerSecond);
              root.dataset[`stepsPerSecond${backend[0]!.toUpperCase()}${backend.slice(1)}`] = String(
                result.stepsPerSecond,
              );
            } catch (error) {
              rate.textContent = 'unavailable';
              images.textContent = error instanceof Error ? error.message : String(error);
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

/**
 * The entry of each worker thread of `measureIndependent` (independent-step.ts): the single-process
 * training step on its shard, timed between a common start and the end of its own timed steps. It never
 * talks to the other workers beyond the start and finish counters.
 */
import '@tensorflow/tfjs-backend-wasm';
import { parentPort, workerData } from 'node:worker_threads';
import { setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { DONE, GO, type IndependentInit, type IndependentReply } from './independent-step.js';
import { timeSteps } from './measure.js';
import { createTrainingStep } from './simclr-step.js';

const port = parentPort!;
const init = workerData as IndependentInit;
const post = (message: IndependentReply) => port.postMessage(message);

try {
  await setupBackend('wasm');
  const training = createTrainingStep(init.model, init.batch, null);
  const cells = new Int32Array(init.signals);
  let tensors: number | null = null;
  const afterStep = () => {
    const now = tf.memory().numTensors;
    if (tensors !== null && now > tensors) throw new Error(`a training step leaked ${now - tensors} tensors`);
    tensors = now;
    if (!Number.isFinite(training.lastLoss())) throw new Error(`the loss became ${training.lastLoss()}`);
  };
  for (let i = 0; i < init.protocol.warmup; i++) {
    training.step();
    afterStep();
  }
  post({ type: 'ready' });
  Atomics.wait(cells, GO, 0);
  const steps = timeSteps(() => training.step(), { ...init.protocol, warmup: 0 }, afterStep);
  Atomics.add(cells, DONE, 1);
  // Keep the load on until every worker is done: a straggler's timed steps must not run on an emptier machine.
  while (Atomics.load(cells, DONE) < init.workers) {
    training.step();
    afterStep();
  }
  const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
  post({
    type: 'done',
    stepMs: steps.map((s) => s.stepMs),
    loss: training.lastLoss(),
    wasmHeapBytes: wasm.HEAPU8.buffer.byteLength,
  });
  training.dispose();
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', message: e.message, stack: e.stack });
}
port.close();

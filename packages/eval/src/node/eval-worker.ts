import { parentPort, workerData } from 'node:worker_threads';
import { type ImageBatch, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { knnVotes } from '../internal/knn-votes.js';
import type { EvalReply, EvalRequest, EvalWorkerInit, ModelArtifactsMessage } from './worker-protocol.js';

// The entry of each worker thread of `extractFeaturesParallel` and `knnEvaluateParallel`: it sets up
// its backend and its data, then answers the calling thread's requests one at a time, in order, until
// it is terminated.
const port = parentPort!;
const init = workerData as EvalWorkerInit;

type Handler = (request: EvalRequest) => Promise<[EvalReply, Transferable[]]>;

function post(reply: EvalReply, transfer: Transferable[] = []): void {
  port.postMessage(reply, transfer as never);
}

async function loadModel(artifacts: ModelArtifactsMessage): Promise<tfl.LayersModel> {
  // Imported here, so that a kNN worker starts without tfjs-layers (a tenth of a second).
  const { loadLayersModel } = await import('@tensorflow/tfjs-layers');
  try {
    return await loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
  } catch (error) {
    const message = (error as Error).message;
    if (/^Unknown layer/.test(message)) {
      (error as Error).message =
        `${message.split('.')[0]}: a custom layer class must be registered in the worker too; ` +
        'do it in a module passed as `modules`';
    }
    throw error;
  }
}

async function setUp(task: EvalWorkerInit['task']): Promise<Handler> {
  if (task.kind === 'features') {
    const model = await loadModel(task.model);
    const { encodeImages } = await import('../encoder.js');
    return async (request) => {
      if (request.type !== 'encode') throw new Error(`unexpected request ${request.type}`);
      const images = tf.tensor4d(request.images, request.shape) as ImageBatch;
      try {
        const h = encodeImages(model, images);
        try {
          // A copy: on cpu, data() is the backend's own array, which must not be detached by the transfer.
          const features = ((await h.data()) as Float32Array).slice();
          return [{ type: 'encoded', features, dim: h.shape[1] }, [features.buffer]];
        } finally {
          h.dispose();
        }
      } finally {
        images.dispose();
      }
    };
  }
  const { features, rows, dim, labels, k, temperature, numClasses, chunkSize } = task.train;
  const trainFeatures = tf.tensor2d(features, [rows, dim], 'float32');
  return async (request) => {
    if (request.type !== 'knn') throw new Error(`unexpected request ${request.type}`);
    const testFeatures = tf.tensor2d(request.queries, [request.rows, dim], 'float32');
    try {
      const votes = await knnVotes({
        trainFeatures,
        testFeatures,
        trainLabels: labels,
        k,
        temperature,
        numClasses,
        chunkSize,
      });
      return [{ type: 'votes', votes }, [votes.buffer]];
    } finally {
      testFeatures.dispose();
    }
  };
}

function fail(error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', message: e.message, ...(e.stack !== undefined && { stack: e.stack }) });
}

const queue: EvalRequest[] = [];
let wake: (() => void) | undefined;
port.on('message', (request: EvalRequest) => {
  queue.push(request);
  wake?.();
});

try {
  // A worker thread has no main module of its own, and setupBackend looks for @simclr/native (when the
  // package that imports it cannot see it, as in a pnpm workspace) as the main module sees it.
  for (const module of init.modules) await import(/* @vite-ignore */ module);
  await setupBackend(init.backend, { threads: init.threads });
  // The cpu backend's advice to install tfjs-node, printed on its first tensor, once per thread: the
  // calling thread has given it already.
  const cpu = tf.backend() as { firstUse?: boolean };
  if (cpu.firstUse === true) cpu.firstUse = false;
  const handle = await setUp(init.task);
  post({ type: 'ready' });
  for (;;) {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    const [reply, transfer] = await handle(queue.shift()!);
    post(reply, transfer);
  }
} catch (error) {
  fail(error);
  port.close();
}

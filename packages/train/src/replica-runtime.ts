import { simclrAugment } from '@simclr/augment';
import { createRng, type ImageBatch, SimclrError, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { decodeModel, encodeCheckpoint, encodeModel, restoreCheckpoint } from './checkpoint-payload.js';
import type { CheckpointFiles } from './checkpoint-sink.js';
import { type AugmentFn, contrastiveUpdate, lossFunction, type UpdateContext } from './contrastive-update.js';
import { createOptimizer } from './create-optimizer.js';
import { useGlobalBatchNorm } from './global-batch-norm.js';
import type { AugmentSpec, ReplicaMemory, ReplicaPort, ReplicaRequest } from './replica-protocol.js';
import { assertReplicasInSync } from './replica-sync.js';
import { SharedMemoryCollective } from './shared-memory-collective.js';

async function buildAugment(spec: AugmentSpec, replica: { rank: number; size: number }): Promise<AugmentFn> {
  if ('simclr' in spec) return simclrAugment(spec.simclr);
  const mod = (await import(/* @vite-ignore */ spec.module)) as Record<string, unknown>;
  const name = spec.export ?? 'default';
  const factory = mod[name];
  if (typeof factory !== 'function') {
    throw new SimclrError(`augment.module ${spec.module} must export a function '${name}', it does not`);
  }
  const augment = await (
    factory as (args: unknown, replica: { rank: number; size: number }) => AugmentFn | Promise<AugmentFn>
  )(spec.args, replica);
  if (typeof augment !== 'function') {
    throw new SimclrError(`augment.module ${spec.module}'s '${name}' must return an augmentation function`);
  }
  return augment;
}

function memory(): ReplicaMemory {
  const { numTensors, numBytes } = tf.memory();
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  const node = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process;
  return {
    numTensors,
    numBytes,
    wasmHeapBytes: wasm?.HEAPU8?.byteLength ?? 0,
    jsHeapBytes: node?.memoryUsage?.().heapUsed ?? 0,
  };
}

function transferables(files: CheckpointFiles): Transferable[] {
  return Object.values(files).flatMap((v) => (typeof v === 'string' ? [] : [v.buffer as ArrayBuffer]));
}

/**
 * One replica of a data-parallel run (`pretrainReplicated`), inside a worker: it waits for its `init`,
 * sets up its backend, loads the initial model, joins the collective, and then answers the coordinator's
 * requests one at a time (a step on its shard, a checkpoint, the weights). Any error is reported to the
 * coordinator, which ends the run. A worker module only has to hand over its messaging as the port:
 * `runReplica({ post: (m, t) => self.postMessage(m, t), onMessage: (h) => { self.onmessage = (e) => h(e.data) } })`.
 */
export async function runReplica(port: ReplicaPort): Promise<void> {
  const fail = (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    port.post({ type: 'error', message: e.message, stack: e.stack });
  };
  const queue: ReplicaRequest[] = [];
  let wake: (() => void) | undefined;
  port.onMessage((message) => {
    queue.push(message);
    wake?.();
  });
  const next = async (): Promise<ReplicaRequest> => {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    return queue.shift()!;
  };

  try {
    const first = await next();
    if (first.type !== 'init') {
      throw new SimclrError(`runReplica: the first request must be 'init', got '${first.type}'`);
    }
    const { init } = first;
    await setupBackend(init.backend, init.threads === undefined ? {} : { threads: init.threads });
    const model = await decodeModel(new Map(Object.entries(init.model).map(([k, v]) => [k, toBytes(v)])));
    const collective = new SharedMemoryCollective(init.memory, init.rank);
    if (init.globalBatchNorm) useGlobalBatchNorm(model, collective);
    const optimizer = createOptimizer(init.config.optimizer, 0);
    const update: UpdateContext = {
      model,
      optimizer,
      augment: await buildAugment(init.augment, { rank: init.rank, size: init.memory.size }),
      loss: lossFunction(init.config.loss),
      chunkSize: init.config.chunkSize,
      collective,
      globalBatchNorm: init.globalBatchNorm,
    };
    const allWeights = () =>
      [...model.encoder.weights, ...model.head.weights].map((w) => w.read() as tf.Variable);
    port.post({ type: 'ready', memory: memory() });

    for (;;) {
      const request = await next();
      switch (request.type) {
        case 'restore':
          await restoreCheckpoint(request.files, model, optimizer);
          port.post({ type: 'restored' });
          break;
        case 'step': {
          const images = tf.tensor4d(request.images, request.shape as [number, number, number, number]);
          const rng = createRng(0);
          rng.setState(request.rng);
          try {
            const r = await contrastiveUpdate(update, images as ImageBatch, request.lr, rng);
            if (init.syncCheckEvery > 0 && request.step % init.syncCheckEvery === 0) {
              assertReplicasInSync(allWeights(), collective, request.step);
            }
            port.post({
              type: 'stepped',
              loss: r.loss,
              accuracy: r.accuracy,
              ...(r.source !== undefined && { source: r.source }),
              memory: memory(),
            });
          } finally {
            images.dispose();
          }
          break;
        }
        case 'checkpoint': {
          const files = await encodeCheckpoint(model, optimizer, request.state);
          port.post({ type: 'files', files }, transferables(files));
          break;
        }
        case 'weights': {
          const files = await encodeModel(model);
          port.post({ type: 'files', files }, transferables(files));
          break;
        }
        case 'init':
          throw new SimclrError('runReplica: init came twice');
        case 'close':
          optimizer.dispose();
          model.dispose();
          port.post({ type: 'closed' });
          return;
      }
    }
  } catch (error) {
    fail(error);
  }
}

function toBytes(v: Uint8Array | string): Uint8Array {
  return typeof v === 'string' ? new TextEncoder().encode(v) : v;
}

// The module of each Web Worker of a data-parallel run: one replica of `pretrainReplicated`, training the
// page's model on its shard of every batch on the wasm backend.
import './wasm-paths.js';
import { type ReplicaReply, type ReplicaRequest, runReplica } from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';

/** The parts of a dedicated worker's global scope used here (the app's types are the page's, not a worker's). */
interface WorkerScope {
  postMessage(message: ReplicaReply, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ReplicaRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;

// The replicas are the threads, one per core: in a cross-origin isolated page the wasm backend would
// otherwise pick its multi-threaded binary and start a pool of threads in every replica.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

// Not awaited: the module finishes evaluating at once, and runReplica has set `onmessage` by then, so the
// coordinator's `init` is not missed. It reports its own errors to the coordinator.
void runReplica({
  post: (message, transfer) => scope.postMessage(message, transfer ?? []),
  onMessage: (handler) => {
    scope.onmessage = (event) => handler(event.data);
  },
});

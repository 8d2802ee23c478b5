import { parentPort, workerData } from 'node:worker_threads';
import type { ReplicaInit, ReplicaRequest } from '../replica-protocol.js';
import { runReplica } from '../replica-runtime.js';

// The entry of each worker thread of `pretrainParallel`.
const port = parentPort!;
await runReplica(workerData as ReplicaInit, {
  post: (message, transfer) => port.postMessage(message, transfer as never),
  onMessage: (handler) => port.on('message', (m: ReplicaRequest) => handler(m)),
});
port.close();

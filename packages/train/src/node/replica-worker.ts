import { parentPort } from 'node:worker_threads';
import type { ReplicaRequest } from '../replica-protocol.js';
import { runReplica } from '../replica-runtime.js';

// The entry of each worker thread of `pretrainParallel`.
const port = parentPort!;
await runReplica({
  post: (message, transfer) => port.postMessage(message, transfer as never),
  onMessage: (handler) => port.on('message', (m: ReplicaRequest) => handler(m)),
});
port.close();

export { syncDirectory, writeFileDurable } from './node/durable-write.js';
export { ioError } from './node/io-error.js';
export { resolveWorkerCount, startWorker } from './node/start-worker.js';

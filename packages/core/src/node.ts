export { resolveWorkerCount, startWorker } from './node/start-worker.js';

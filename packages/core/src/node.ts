export {
  type AutoBackendChoice,
  autoBackend,
  type BackendDiagnosis,
  type DiagnoseBackendsOptions,
  type DiagnosedBackend,
  defaultLookupBases,
  diagnoseBackends,
  type MachineFacts,
  machineFacts,
} from './node/backend-diagnostics.js';
export { syncDirectory, writeFileDurable } from './node/durable-write.js';
export { ioError } from './node/io-error.js';
export { resolveWorkerCount, startWorker } from './node/start-worker.js';

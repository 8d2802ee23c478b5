export { type CloseOptions, compareClose, DEFAULT_ATOL, expectClose } from './close.js';
export { availableBackends, describeBackends } from './describe-backends.js';

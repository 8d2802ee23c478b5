export { fileSystem } from './node/file-system.js';

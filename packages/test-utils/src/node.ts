export { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
export { runReadmeExample } from './readme-example.js';

import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { crossOriginIsolation } from './plugins/cross-origin-isolation.js';
import { fashionMnistData } from './plugins/fashion-mnist-data.js';
import { samplePhoto } from './plugins/sample-photo.js';

const quickstartData = fileURLToPath(new URL('../quickstart/data', import.meta.url));

export default defineConfig({
  // Relative asset URLs: the built app works from any folder of a static server.
  base: './',
  // The workspace packages are bundled from their TypeScript sources (their `source` export condition),
  // so the app needs no prior build of them.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  // Cross-origin isolation gives the page SharedArrayBuffer, which training on Web Workers needs.
  plugins: [crossOriginIsolation(), fashionMnistData(quickstartData), samplePhoto()],
  // The replica worker is an ES module: setupBackend's dynamic imports rule out a single-file format.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // tfjs-core, -layers and three backends make one large chunk, loaded once.
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod places comments beside its pure annotations that Rollup cannot use; harmless.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/')) return;
        warn(warning);
      },
    },
  },
  preview: { host: '127.0.0.1' },
});

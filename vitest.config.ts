import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './packages/test-utils/src/chromium.js';

// Tests and type-checks run on each package's `src` through the `source` export condition.
const conditions = ['source', 'module', 'import', 'default'];

/** Suites that also run on webgl and webgpu in Chromium. */
const browserSuites = [
  'packages/core/test/**/*.test.ts',
  'packages/augment/test/**/*.test.ts',
  'packages/losses/test/**/*.test.ts',
  'packages/models/test/**/*.test.ts',
  'packages/data/test/**/*.test.ts',
  'packages/train/test/**/*.test.ts',
  'packages/eval/test/**/*.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { conditions: [...conditions, 'node'] },
        ssr: { resolve: { conditions: [...conditions, 'node'], externalConditions: ['node'] } },
        test: {
          name: 'node',
          include: [
            'packages/*/test/**/*.test.ts',
            'examples/*/test/**/*.test.ts',
            'experiments/test/**/*.test.ts',
          ],
          exclude: ['**/*.browser.test.ts', '**/node_modules/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        resolve: { conditions: [...conditions, 'browser'] },
        // Pre-bundled up front, so the first run does not reload the page mid-suite to optimise them.
        optimizeDeps: {
          include: [
            '@tensorflow/tfjs-core',
            '@tensorflow/tfjs-layers',
            '@tensorflow/tfjs-backend-cpu',
            '@tensorflow/tfjs-backend-webgl',
            '@tensorflow/tfjs-backend-webgpu',
          ],
        },
        test: {
          name: 'browser',
          // The files share one page: tfjs, its backends and their compiled shaders load once, not per file.
          // describeBackends activates each suite's backend and checks for leaked tensors around every test.
          isolate: false,
          setupFiles: ['./test/browser-setup.ts'],
          include: browserSuites,
          exclude: ['**/*.node.test.ts', '**/node_modules/**'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: CHROMIUM_PATH,
                args: [...CHROMIUM_ARGS],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});

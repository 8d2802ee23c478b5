// The app ships these three backends; importing them registers them, so setupBackend finds them (wasm
// through wasm-paths.ts, which also tells it where its binaries are).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { type BackendInfo, setupBackend } from '@simclr/core';
import './wasm-paths.js';

/** The backends the page offers, in `setupBackend('auto')`'s browser order. */
export const APP_BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type AppBackend = (typeof APP_BACKENDS)[number];

/** Activates `pref` ('auto': webgl, else wasm, else cpu) through `@simclr/core`. */
export function activateBackend(pref: 'auto' | AppBackend): Promise<BackendInfo> {
  return setupBackend(pref);
}

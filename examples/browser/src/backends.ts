// The app ships these three backends; importing them registers them, so setupBackend finds them.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { type BackendInfo, setupBackend } from '@simclr/core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

// The binaries are bundled under hashed names, so each gets its own URL; setupBackend then finds the
// backend registered by the import above.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

/** The backends the page offers, in `setupBackend('auto')`'s browser order. */
export const APP_BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type AppBackend = (typeof APP_BACKENDS)[number];

/** Activates `pref` ('auto': webgl, else wasm, else cpu) through `@simclr/core`. */
export function activateBackend(pref: 'auto' | AppBackend): Promise<BackendInfo> {
  return setupBackend(pref);
}

// The app ships these four backends; importing them registers them, so setupBackend finds them (wasm
// through wasm-paths.ts, which also tells it where its binaries are). tfjs-backend-webgpu registers
// itself only where `navigator.gpu` exists; `webgpuSupport` says whether it also gives an adapter.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { type BackendInfo, setupBackend } from '@simclr/core';
import './wasm-paths.js';

/** The backends the page offers, in `setupBackend('auto')`'s browser order. */
export const APP_BACKENDS = ['webgl', 'webgpu', 'wasm', 'cpu'] as const;
export type AppBackend = (typeof APP_BACKENDS)[number];

/** Activates `pref` ('auto': webgl, else webgpu, else wasm, else cpu) through `@simclr/core`. */
export function activateBackend(pref: 'auto' | AppBackend): Promise<BackendInfo> {
  return setupBackend(pref);
}

/** The part of the WebGPU API the page reads (the DOM typings of TypeScript 5.9 have none of it). */
interface GpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
interface Gpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<{ info?: GpuAdapterInfo } | null>;
}

/** Whether this browser can run the webgpu backend, and the adapter (for the page to name) or why not. */
export type WebgpuSupport = { available: true; adapter: string } | { available: false; reason: string };

let support: Promise<WebgpuSupport> | undefined;

/**
 * Asks the browser for a WebGPU adapter once, as tfjs-backend-webgpu does when it starts: without
 * `navigator.gpu` (no WebGPU in this browser, or a page that is not a secure context) or without an
 * adapter (no usable GPU, or WebGPU disabled, as in headless Chromium without `--enable-unsafe-webgpu`)
 * the backend cannot start.
 */
export function webgpuSupport(): Promise<WebgpuSupport> {
  support ??= (async (): Promise<WebgpuSupport> => {
    // Our own minimal type: the global one depends on which @webgpu/types version a bundle sees.
    const gpu = (navigator as unknown as { gpu?: Gpu }).gpu;
    if (gpu === undefined) {
      return { available: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
    }
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (adapter === null) return { available: false, reason: 'the browser gives no WebGPU adapter' };
      const info = adapter.info ?? {};
      const name = info.description || [info.vendor, info.architecture].filter(Boolean).join(' ');
      return { available: true, adapter: name || 'an unnamed adapter' };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { available: false, reason: `requesting a WebGPU adapter failed: ${message}` };
    }
  })();
  return support;
}

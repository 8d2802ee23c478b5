import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { type AppBackend, activateBackend, webgpuSupport } from './backends.js';
import { showError } from './show-error.js';
import type { TaskLock } from './task-lock.js';

/** The GPU behind WebGL as the browser names it (e.g. SwiftShader, the software renderer), if it says. */
function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (gl === null) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = info === null ? null : String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return name;
}

/**
 * Threads of the wasm backend: in a cross-origin isolated page tfjs picks its multi-threaded binary, whose
 * kernels use a pool of threads that tfjs sizes from the cores; elsewhere 1.
 */
function wasmThreads(): string {
  const n = getThreadsCount();
  return `${n} thread${n === 1 ? '' : 's'}`;
}

/**
 * Shows the active backend (chosen by `setupBackend('auto')` at start; for webgl and webgpu the GPU, for
 * wasm its threads) and switches it. Where the browser cannot run webgpu (no `navigator.gpu`, or no
 * adapter) its option is disabled and names the reason, which the select also carries as
 * `data-webgpu-unavailable`. The output carries `data-backend` for tests. While a task runs the selector is disabled; after every task it re-reads the
 * backend, since the benchmark switches backends and back.
 */
export async function createBackendPicker(root: HTMLElement, lock: TaskLock): Promise<void> {
  const select = root.querySelector<HTMLSelectElement>('#backend-select')!;
  const output = root.querySelector<HTMLOutputElement>('#backend-name')!;
  const renderer = root.querySelector<HTMLElement>('#backend-renderer')!;
  const gpu = webglRenderer();
  const webgpu = await webgpuSupport();
  const webgpuOption = select.querySelector<HTMLOptionElement>('option[value="webgpu"]')!;
  if (webgpu.available) {
    delete select.dataset.webgpuUnavailable;
  } else {
    webgpuOption.disabled = true;
    webgpuOption.textContent = `webgpu (unavailable: ${webgpu.reason})`;
    webgpuOption.title = webgpu.reason;
    select.dataset.webgpuUnavailable = webgpu.reason;
  }
  const rendererOf = (name: string): string => {
    if (name === 'webgl') return gpu === null ? '' : `on ${gpu}`;
    if (name === 'webgpu') return webgpu.available ? `on ${webgpu.adapter}` : '';
    return name === 'wasm' ? `on ${wasmThreads()}` : '';
  };

  const show = () => {
    const name = tf.getBackend();
    output.value = name;
    output.dataset.backend = name;
    select.value = name;
    renderer.textContent = rendererOf(name);
  };
  const refresh = () => {
    select.disabled = lock.task !== null;
    if (lock.task === null) show();
  };
  lock.subscribe(refresh);

  select.addEventListener('change', () => {
    const wanted = select.value as AppBackend;
    lock
      .run('switching backend', () => activateBackend(wanted))
      .catch((error: unknown) => {
        showError(root, error);
        show();
      });
  });

  await lock.run('choosing a backend', () => activateBackend('auto'));
  refresh();
}

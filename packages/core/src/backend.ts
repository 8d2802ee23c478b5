import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_PACKAGES, backendInstallHint, DAWN_PACKAGE, NATIVE_PACKAGE } from './backend-packages.js';
import { describeValue } from './describe-value.js';
import { isNode } from './environment.js';
import { SimclrError } from './errors.js';
import { registerTrainingKernels } from './kernels/register-training-kernels.js';
import type { BackendInfo, BackendName } from './types.js';

const BACKENDS: readonly BackendName[] = ['tensorflow', 'webgpu', 'webgl', 'native', 'wasm', 'cpu'];
const ACCELERATED: ReadonlySet<BackendName> = new Set(['tensorflow', 'webgpu', 'webgl']);

/** The part of `@simclr/native` that `setupBackend` uses (imported on demand: it is optional). */
export interface NativeModule {
  nativeStatus(): { available: boolean; reason?: string };
  activateNativeKernels(options?: { threads?: number }): unknown;
  deactivateNativeKernels(): void;
}

let nativeModule: NativeModule | undefined;
/** The name the last successful `setupBackend` activated. */
let active: BackendName | undefined;
let warnedNative = false;

/**
 * Makes `setupBackend` use `module` for the `native` backend. `@simclr/native` calls it when imported, so
 * an app that imports it gets it wherever it is installed.
 */
export function provideNativeKernels(module: NativeModule): void {
  nativeModule = module;
}

/**
 * Where the main thread found `@simclr/native` outside this package's own resolution, for worker threads:
 * they inherit the environment, while their `process.argv[1]` is the worker's script.
 */
const NATIVE_MODULE_ENV = 'SIMCLR_NATIVE_MODULE';

/**
 * Imports `@simclr/native` as this package sees it (an npm install puts both side by side) or, when that
 * fails (a pnpm workspace keeps each package's dependencies apart), as the program's main module sees it.
 */
async function importNative(): Promise<void> {
  try {
    await import(/* @vite-ignore */ NATIVE_PACKAGE);
    return;
  } catch {
    // Not resolvable from here; try from the main module below.
  }
  if (!isNode()) return;
  try {
    const found = process.env[NATIVE_MODULE_ENV];
    if (found !== undefined) {
      await import(/* @vite-ignore */ found);
      return;
    }
    const main = process.argv[1];
    if (main === undefined) return;
    const { createRequire } = await import(/* @vite-ignore */ 'node:module');
    const { pathToFileURL } = await import(/* @vite-ignore */ 'node:url');
    const href = pathToFileURL((createRequire(main) as NodeJS.Require).resolve(NATIVE_PACKAGE)).href;
    await import(/* @vite-ignore */ href);
    process.env[NATIVE_MODULE_ENV] = href;
  } catch {
    // Not installed for the main module either.
  }
}

/** `@simclr/native`, or why it cannot be used here: not installed, or installed but unable to load. */
async function loadNative(): Promise<NativeModule | Omit<Skip, 'name'>> {
  if (nativeModule === undefined) await importNative();
  if (nativeModule === undefined) return { why: 'not-installed', detail: installHint('native') };
  const status = nativeModule.nativeStatus();
  return status.available
    ? nativeModule
    : { why: 'unavailable', detail: `${NATIVE_PACKAGE}: ${status.reason}` };
}

/**
 * The order `'auto'` tries. In the browser webgl stays ahead of webgpu: every WebGPU run in this
 * project's tests is on SwiftShader, a CPU fallback adapter that says nothing about speed on a real GPU,
 * tfjs-backend-webgpu's README lists inference models only, and webgl is what tfjs has trained on for
 * years. webgpu comes second, for browsers where webgl cannot start. In Node it is not tried: Dawn finds
 * no adapter on the machines this is tested on, and a software Vulkan adapter it might find elsewhere
 * would be slower than wasm; ask for it by name.
 */
function autoOrder(): BackendName[] {
  return isNode() ? ['tensorflow', 'native', 'wasm', 'cpu'] : ['webgl', 'webgpu', 'wasm', 'cpu'];
}

function installHint(name: BackendName): string {
  return backendInstallHint(name, isNode());
}

function normalise(pref: unknown): { order: BackendName[]; auto: boolean } {
  const allowed = `'auto', one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}, or a non-empty array of those`;
  if (pref === 'auto') return { order: autoOrder(), auto: true };
  if (typeof pref === 'string' && (BACKENDS as readonly string[]).includes(pref)) {
    return { order: [pref as BackendName], auto: false };
  }
  if (
    Array.isArray(pref) &&
    pref.length > 0 &&
    pref.every((p) => (BACKENDS as readonly string[]).includes(p))
  ) {
    return { order: [...new Set(pref as BackendName[])], auto: false };
  }
  throw new SimclrError(`backend must be ${allowed}, got ${describeValue(pref)}`);
}

/** The tfjs backend behind `name`: `native` is the wasm backend with other kernels. */
const tfBackendName = (name: BackendName): string => (name === 'native' ? 'wasm' : name);

/** Imports the package that registers `name`, unless a backend of that name is registered already. */
async function loadBackendPackage(name: BackendName): Promise<boolean> {
  const tfName = tfBackendName(name);
  if (tf.findBackendFactory(tfName) !== null) return true;
  for (const spec of BACKEND_PACKAGES[name]) {
    try {
      // A variable specifier keeps bundlers from failing on optional packages that are not installed;
      // in the browser, apps import the backends they ship (see the README), which registers them above.
      await import(/* @vite-ignore */ spec);
      if (tf.findBackendFactory(tfName) !== null) return true;
    } catch {
      // Not installed (or not loadable here); try the next package.
    }
  }
  return false;
}

async function activate(
  name: BackendName,
  native: NativeModule | undefined,
  threads?: number,
): Promise<boolean> {
  const tfName = name === 'native' ? 'wasm' : name;
  try {
    if (!(await tf.setBackend(tfName))) return false;
    await tf.ready();
    // Chosen on purpose: tfjs-backend-cpu's first-use advice to install tfjs-node would only be noise.
    if (tfName === 'cpu') (tf.backend() as { firstUse?: boolean }).firstUse = false;
    registerTrainingKernels(tfName);
    if (name === 'native') native!.activateNativeKernels(threads === undefined ? {} : { threads });
    else if (name === 'wasm') nativeModule?.deactivateNativeKernels();
    return tf.getBackend() === tfName;
  } catch {
    return false;
  }
}

/** The npm package that gives Node a `navigator.gpu` (Dawn, Chromium's WebGPU implementation). */

/** The part of the `webgpu` package that `setupBackend` uses. */
interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

/** The WebGPU API as far as the adapter probe needs it. */
interface GPU {
  requestAdapter(options?: { powerPreference?: string }): Promise<unknown>;
}

/** The probe's answer, made once per thread: Dawn starts a Vulkan (or Metal, D3D12) instance. */
let webgpuProbe: Promise<Omit<Skip, 'name'> | undefined> | undefined;

/**
 * In Node, makes `navigator.gpu` from the `webgpu` package (with the `GPUBufferUsage`… globals that
 * tfjs-backend-webgpu reads), so that importing the backend package afterwards registers it.
 */
async function installDawn(): Promise<Omit<Skip, 'name'> | undefined> {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav?.gpu !== undefined) return undefined;
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ DAWN_PACKAGE)) as DawnModule;
  } catch {
    return { why: 'not-installed', detail: installHint('webgpu') };
  }
  const g = globalThis as Record<string, unknown>;
  for (const [key, value] of Object.entries(dawn.globals)) if (!(key in g)) g[key] = value;
  const gpu = dawn.create([]);
  if (nav === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  }
  return undefined;
}

/** Why webgpu cannot run here (no `navigator.gpu`, no adapter), or `undefined` when an adapter answers. */
function probeWebgpu(): Promise<Omit<Skip, 'name'> | undefined> {
  webgpuProbe ??= (async () => {
    if (isNode()) {
      const missing = await installDawn();
      if (missing !== undefined) return missing;
    }
    const scope = globalThis as { navigator?: { gpu?: GPU }; isSecureContext?: boolean };
    const gpu = scope.navigator?.gpu;
    if (gpu === undefined) {
      return {
        why: 'unavailable',
        detail:
          scope.isSecureContext === false
            ? 'navigator.gpu is undefined: WebGPU needs a secure context (https or localhost)'
            : 'navigator.gpu is undefined: this browser has no WebGPU or has it turned off',
      };
    }
    let adapter: unknown = null;
    let error = '';
    try {
      adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    } catch (e) {
      error = `: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (adapter !== null && adapter !== undefined) return undefined;
    return {
      why: 'unavailable',
      detail: isNode()
        ? `no WebGPU adapter (Dawn found none on this machine${error || ': it needs a Vulkan driver with the features Dawn requires on Linux, Metal on macOS, D3D12 on Windows; Dawn printed what is missing on stderr'})`
        : `no WebGPU adapter (navigator.gpu.requestAdapter() gave none${error || ': WebGPU is off or blocklisted for this GPU'})`,
    };
  })();
  return webgpuProbe;
}

/** Why a backend was passed over: its package is missing, it cannot load here, or it failed to start. */
interface Skip {
  name: BackendName;
  why: 'not-installed' | 'unavailable' | 'failed';
  detail: string;
}

function describeSkip(skip: Skip): string {
  if (skip.why === 'not-installed') return `'${skip.name}' is not installed (${skip.detail})`;
  if (skip.why === 'unavailable') return `'${skip.name}' is not available: ${skip.detail}`;
  return `'${skip.name}' is installed but ${skip.detail}`;
}

/** Options of {@link setupBackend}. */
export interface SetupBackendOptions {
  /**
   * Threads of `native`'s kernels on this thread. Default: every core. Data-parallel workers in one
   * process pass cores / workers each.
   */
  threads?: number;
}

/**
 * The backend the last `setupBackend` activated (`native` included), or `tf.getBackend()` when none did or
 * the backend was changed since: what to ask for in a worker that should compute like this thread.
 */
export function activeBackend(): BackendName {
  const now = tf.getBackend() as BackendName;
  return active === 'native' && now === 'wasm' ? 'native' : now;
}

/**
 * Imports and activates the first backend that is installed and works, and returns what it chose.
 *
 * - `'auto'` (default) tries, in Node, `tensorflow` (from `@tensorflow/tfjs-node-gpu`, then
 *   `@tensorflow/tfjs-node`), `native`, `wasm`, `cpu`; in the browser `webgl`, `webgpu`, `wasm`, `cpu`
 *   (webgl first until webgpu is measured on real GPUs; see the README's Backends section).
 * - A name or a list of names tries exactly those, in order; if none can be loaded the error gives the
 *   npm command that installs the first one.
 * - `webgpu` needs an adapter from `navigator.gpu`. In the browser the app imports
 *   `@tensorflow/tfjs-backend-webgpu`; in Node the optional `webgpu` package (Dawn) provides
 *   `navigator.gpu`. Without an adapter it is skipped with the reason, e.g. `'webgpu' is not available:
 *   no WebGPU adapter (Dawn found none on this machine: …)`.
 *
 * It also registers the kernels that make `wasm` and `cpu` train conv nets at a useful speed.
 */
export async function setupBackend(
  pref: 'auto' | BackendName | readonly BackendName[] = 'auto',
  options: SetupBackendOptions = {},
): Promise<BackendInfo> {
  const { order, auto } = normalise(pref);
  const skips: Skip[] = [];
  for (const name of order) {
    // Before the import: tfjs-backend-webgpu registers itself only where navigator.gpu exists.
    const noGpu = name === 'webgpu' ? await probeWebgpu() : undefined;
    if (noGpu !== undefined) {
      skips.push({ name, ...noGpu });
      continue;
    }
    if (!(await loadBackendPackage(name))) {
      skips.push({ name, why: 'not-installed', detail: installHint(name) });
      continue;
    }
    let native: NativeModule | undefined;
    if (name === 'native') {
      const loaded = await loadNative();
      if ('why' in loaded) {
        skips.push({ name, ...loaded });
        continue;
      }
      native = loaded;
    }
    if (await activate(name, native, options.threads)) {
      active = name;
      const nativeSkip = skips.find((k) => k.name === 'native' && k.why === 'unavailable');
      if (auto && nativeSkip !== undefined && !warnedNative) {
        warnedNative = true;
        console.warn(`setupBackend: using ${name}, not native: ${nativeSkip.detail}`);
      }
      return { name, accelerated: ACCELERATED.has(name), skipped: skips.map(describeSkip) };
    }
    skips.push({ name, why: 'failed', detail: 'failed to initialise here' });
  }
  if (!auto && order.length === 1) {
    const skip = skips[0]!;
    const message = {
      'not-installed': `backend '${skip.name}' is not installed; install it with: ${skip.detail}`,
      unavailable: `backend '${skip.name}' is not available: ${skip.detail}`,
      failed: `backend '${skip.name}' is installed but failed to initialise in this environment`,
    }[skip.why];
    throw new SimclrError(message, { code: 'unavailable' });
  }
  throw new SimclrError(`no backend could be activated: ${skips.map(describeSkip).join('; ')}`, {
    code: 'unavailable',
  });
}

import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from './describe-value.js';
import { isNode } from './environment.js';
import { SimclrError } from './errors.js';
import { registerTrainingKernels } from './kernels/register-training-kernels.js';
import type { BackendInfo, BackendName } from './types.js';

const BACKENDS: readonly BackendName[] = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];
const ACCELERATED: ReadonlySet<BackendName> = new Set(['tensorflow', 'webgpu', 'webgl']);
const TFJS_VERSION = '4.22.0';

/** npm packages that provide each backend, in the order they are tried. */
const PACKAGES: Record<BackendName, readonly string[]> = {
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  webgpu: ['@tensorflow/tfjs-backend-webgpu'],
  webgl: ['@tensorflow/tfjs-backend-webgl'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  cpu: ['@tensorflow/tfjs-backend-cpu'],
};

function autoOrder(): BackendName[] {
  return isNode() ? ['tensorflow', 'wasm', 'cpu'] : ['webgl', 'wasm', 'cpu'];
}

function installHint(name: BackendName): string {
  if (name === 'tensorflow') {
    return `npm install @tensorflow/tfjs-node@${TFJS_VERSION} (or @tensorflow/tfjs-node-gpu@${TFJS_VERSION} for CUDA)`;
  }
  return `npm install ${PACKAGES[name][0]}@${TFJS_VERSION}`;
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

/** Imports the package that registers `name`, unless a backend of that name is registered already. */
async function loadBackendPackage(name: BackendName): Promise<boolean> {
  if (tf.findBackendFactory(name) !== null) return true;
  for (const spec of PACKAGES[name]) {
    try {
      // A variable specifier keeps bundlers from failing on optional packages that are not installed;
      // in the browser, apps import the backends they ship (see the README), which registers them above.
      await import(/* @vite-ignore */ spec);
      if (tf.findBackendFactory(name) !== null) return true;
    } catch {
      // Not installed (or not loadable here); try the next package.
    }
  }
  return false;
}

async function activate(name: BackendName): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    registerTrainingKernels(name);
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Imports and activates the first backend that is installed and works, and returns what it chose.
 *
 * - `'auto'` (default) tries, in Node, `tensorflow` (from `@tensorflow/tfjs-node-gpu`, then
 *   `@tensorflow/tfjs-node`), `wasm`, `cpu`; in the browser `webgl`, `wasm`, `cpu`.
 * - A name or a list of names tries exactly those, in order; if none can be loaded the error gives the
 *   npm command that installs the first one.
 *
 * It also registers the kernels that make `wasm` and `cpu` train conv nets at a useful speed.
 */
export async function setupBackend(
  pref: 'auto' | BackendName | readonly BackendName[] = 'auto',
): Promise<BackendInfo> {
  const { order, auto } = normalise(pref);
  const failures: string[] = [];
  for (const name of order) {
    if (!(await loadBackendPackage(name))) {
      failures.push(`'${name}' is not installed (${installHint(name)})`);
      continue;
    }
    if (await activate(name)) return { name, accelerated: ACCELERATED.has(name) };
    failures.push(`'${name}' is installed but failed to initialise here`);
  }
  const first = order[0]!;
  if (!auto && order.length === 1) {
    const installed = failures[0]!.includes('failed to initialise');
    throw new SimclrError(
      installed
        ? `backend '${first}' is installed but failed to initialise in this environment`
        : `backend '${first}' is not installed; install it with: ${installHint(first)}`,
    );
  }
  throw new SimclrError(`no backend could be activated: ${failures.join('; ')}`);
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeBackend, setupBackend } from '@simclr/core';
import {
  autoBackend,
  type BackendDiagnosis,
  defaultLookupBases,
  diagnoseBackends,
  machineFacts,
} from '@simclr/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

/** A package in `root`/node_modules: its files, an ES module `index.js` unless `type` says otherwise. */
interface Stub {
  files: Record<string, string>;
  type?: 'module' | 'commonjs';
}

const throwing = (message: string): Stub => ({
  files: { 'index.js': `throw new Error(${JSON.stringify(message)});\n` },
  type: 'commonjs',
});
const empty: Stub = { files: { 'index.js': 'export {};\n' } };

/** A `webgpu` package whose adapter request answers `adapter` (JSON), after printing `stderr` as Dawn does. */
const dawn = (adapter: unknown, stderr = ''): Stub => ({
  files: {
    'index.js': `export const globals = {};
export function create() {
  process.stderr.write(${JSON.stringify(stderr)});
  return { requestAdapter: async () => (${JSON.stringify(adapter)}) };
}
`,
  },
});

const native = (status: Record<string, unknown>): Stub => ({
  files: {
    'index.js': `export function nativeStatus() { return ${JSON.stringify(status)}; }\n`,
    'scripts/build-addon.mjs': '',
  },
});

let root = '';
let count = 0;

/** A fresh folder with `stubs` installed in its node_modules; what `diagnoseBackends({ from })` takes. */
async function project(stubs: Record<string, Stub>): Promise<string> {
  const dir = join(root, `p${count++}`);
  for (const [name, { files, type = 'module' }] of Object.entries(stubs)) {
    const pkg = join(dir, 'node_modules', name);
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({ name, version: '9.9.9', type, main: 'index.js' }),
    );
    for (const [file, text] of Object.entries(files)) {
      await mkdir(dirname(join(pkg, file)), { recursive: true });
      await writeFile(join(pkg, file), text);
    }
  }
  await mkdir(dir, { recursive: true });
  return dir;
}

async function diagnose(stubs: Record<string, Stub>): Promise<Record<string, BackendDiagnosis>> {
  const rows = await diagnoseBackends({ from: [await project(stubs)], timeoutMs: 30_000 });
  expect(rows.map((r) => r.name)).toEqual(['tensorflow', 'webgpu', 'native', 'wasm', 'cpu']);
  return Object.fromEntries(rows.map((r) => [r.name, r]));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'simclr-doctor-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllGlobals();
});

const WASM = '@tensorflow/tfjs-backend-wasm';
const CPU = '@tensorflow/tfjs-backend-cpu';
const NODE = '@tensorflow/tfjs-node';
const NODE_GPU = '@tensorflow/tfjs-node-gpu';
const WEBGPU = '@tensorflow/tfjs-backend-webgpu';

describe('diagnoseBackends: one state at a time, from stub packages', () => {
  it('nothing installed: every backend not-installed, each with its npm install', async () => {
    const d = await diagnose({});
    for (const row of Object.values(d)) expect(row.status).toBe('not-installed');
    expect(d['tensorflow']!.fix).toBe('npm install @tensorflow/tfjs-node@4.22.0');
    expect(d['webgpu']!.fix).toBe('npm install webgpu @tensorflow/tfjs-backend-webgpu@4.22.0');
    expect(d['native']!.fix).toBe('npm install @simclr/native');
    expect(d['wasm']!.fix).toBe('npm install @tensorflow/tfjs-backend-wasm@4.22.0');
    expect(d['cpu']!.fix).toBe('npm install @tensorflow/tfjs-backend-cpu@4.22.0');
  });

  const tensorflowCases: {
    title: string;
    stubs: Record<string, Stub>;
    status: BackendDiagnosis['status'];
    detail: string[];
    fix?: string[];
  }[] = [
    {
      title: 'tfjs-node-gpu without the CUDA runtime',
      stubs: {
        [NODE_GPU]: throwing('libcudart.so.11.0: cannot open shared object file: No such file or directory'),
      },
      status: 'unavailable',
      detail: [NODE_GPU, 'CUDA 11.2 runtime', 'libcudart.so.11.0 is missing'],
      fix: ['install CUDA 11.2 and cuDNN 8', 'npm install @tensorflow/tfjs-node@4.22.0'],
    },
    {
      title: 'tfjs-node-gpu without cuDNN',
      stubs: {
        [NODE_GPU]: throwing('libcudnn.so.8: cannot open shared object file: No such file or directory'),
      },
      status: 'unavailable',
      detail: ['cuDNN 8', 'libcudnn.so.8 is missing'],
      fix: ['install cuDNN 8'],
    },
    {
      title: 'tfjs-node-gpu without cuBLAS',
      stubs: {
        [NODE_GPU]: throwing('libcublas.so.11: cannot open shared object file: No such file or directory'),
      },
      status: 'unavailable',
      detail: ['a CUDA 11.2 library', 'libcublas.so.11 is missing'],
      fix: ['CUDA 11.2 toolkit'],
    },
    {
      title: 'tfjs-node whose libtensorflow was not downloaded',
      stubs: {
        [NODE]: throwing('libtensorflow.so.2: cannot open shared object file: No such file or directory'),
      },
      status: 'unavailable',
      detail: ["@tensorflow/tfjs-node's libtensorflow is missing (libtensorflow.so.2)"],
      fix: ['npm rebuild @tensorflow/tfjs-node'],
    },
    {
      title: 'tfjs-node without its binding',
      stubs: {
        [NODE]: throwing(
          "Cannot find module '/x/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'",
        ),
      },
      status: 'unavailable',
      detail: ['native binding (tfjs_binding.node)'],
      fix: ['npm rebuild @tensorflow/tfjs-node'],
    },
    {
      title: 'tfjs-node failing for another reason',
      stubs: { [NODE]: throwing('something else went wrong') },
      status: 'failed',
      detail: ['@tensorflow/tfjs-node does not load: something else went wrong'],
      fix: ['npm rebuild @tensorflow/tfjs-node'],
    },
    {
      title: 'tfjs-node crashing the process that loads it',
      stubs: { [NODE]: { files: { 'index.js': 'process.abort();\n' }, type: 'commonjs' } },
      status: 'failed',
      detail: ['killed by SIGABRT'],
      fix: ['npm rebuild @tensorflow/tfjs-node'],
    },
    {
      title: 'tfjs-node loading',
      stubs: {
        [NODE]: { files: { 'index.js': 'console.log("banner"); module.exports = {};\n' }, type: 'commonjs' },
      },
      status: 'ok',
      detail: ['@tensorflow/tfjs-node 9.9.9 loads (libtensorflow, CPU)'],
    },
    {
      title: 'tfjs-node-gpu failing and tfjs-node loading',
      stubs: {
        [NODE_GPU]: throwing('libcudart.so.11.0: cannot open shared object file'),
        [NODE]: { files: { 'index.js': 'module.exports = {};\n' }, type: 'commonjs' },
      },
      status: 'ok',
      detail: ['@tensorflow/tfjs-node 9.9.9 loads', 'libcudart.so.11.0 is missing'],
      fix: ['install CUDA 11.2'],
    },
  ];
  for (const c of tensorflowCases) {
    it(`tensorflow: ${c.title} → ${c.status}`, async () => {
      const row = (await diagnose(c.stubs))['tensorflow']!;
      expect(row.status).toBe(c.status);
      for (const part of c.detail) expect(row.detail).toContain(part);
      if (c.fix === undefined) expect(row.fix).toBeUndefined();
      for (const part of c.fix ?? []) expect(row.fix).toContain(part);
    });
  }

  const webgpuCases: {
    title: string;
    stubs: Record<string, Stub>;
    status: BackendDiagnosis['status'];
    detail: string[];
    fix?: string[];
  }[] = [
    {
      title: 'the webgpu package without the tfjs backend',
      stubs: { webgpu: dawn(null) },
      status: 'not-installed',
      detail: ['@tensorflow/tfjs-backend-webgpu (the tfjs backend) is not installed'],
      fix: ['npm install @tensorflow/tfjs-backend-webgpu@4.22.0'],
    },
    {
      title: 'the tfjs backend without the webgpu package',
      stubs: { [WEBGPU]: empty },
      status: 'not-installed',
      detail: ["the 'webgpu' package (Dawn, WebGPU for Node) is not installed"],
      fix: ['npm install webgpu'],
    },
    {
      title: 'Dawn finding no adapter',
      stubs: {
        [WEBGPU]: empty,
        webgpu: dawn(
          null,
          'error: XDG_RUNTIME_DIR is invalid or not set in the environment.\nWarning: Vulkan shaderUniform*ArrayDynamicIndexing required.\n - While initializing adapter (backend=BackendType::Vulkan)\n    at InitializeImpl (/dawn/PhysicalDeviceVk.cpp:257)\n',
        ),
      },
      status: 'unavailable',
      detail: [
        'webgpu 9.9.9 loads, but requestAdapter() returned null',
        'Vulkan shaderUniform*ArrayDynamicIndexing required',
      ],
      fix: ['Vulkan driver'],
    },
    {
      title: 'Dawn without the Vulkan loader',
      stubs: { [WEBGPU]: empty, webgpu: throwing('libvulkan.so.1: cannot open shared object file') },
      status: 'unavailable',
      detail: ['Vulkan loader', 'libvulkan.so.1 is missing'],
      fix: ['apt-get install libvulkan1'],
    },
    {
      title: "Dawn's binary crashing",
      stubs: { [WEBGPU]: empty, webgpu: { files: { 'index.js': 'process.abort();\n' } } },
      status: 'failed',
      detail: ['probing Dawn failed', 'SIGABRT'],
      fix: ['npm install webgpu@latest'],
    },
    {
      title: 'Dawn finding an adapter',
      stubs: {
        [WEBGPU]: empty,
        webgpu: dawn({ info: { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'A100' } }),
      },
      status: 'ok',
      detail: ['webgpu 9.9.9: adapter nvidia ampere A100'],
    },
  ];
  for (const c of webgpuCases) {
    it(`webgpu: ${c.title} → ${c.status}`, async () => {
      const row = (await diagnose(c.stubs))['webgpu']!;
      expect(row.status).toBe(c.status);
      for (const part of c.detail) expect(row.detail).toContain(part);
      expect(row.detail).not.toContain('XDG_RUNTIME_DIR');
      if (c.fix === undefined) expect(row.fix).toBeUndefined();
      for (const part of c.fix ?? []) expect(row.fix).toContain(part);
    });
  }

  it('native: not built here → unavailable with its reason and the build command', async () => {
    const reason =
      'the addon is not built: install oneDNN and g++ (apt-get install libdnnl-dev g++) and rebuild';
    const d = await diagnose({ '@simclr/native': native({ available: false, reason }), [WASM]: empty });
    expect(d['native']!.status).toBe('unavailable');
    expect(d['native']!.detail).toBe(`@simclr/native 9.9.9: ${reason}`);
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(d['native']!.fix).toMatch(/^apt-get install libdnnl-dev g\+\+, then node .*build-addon\.mjs$/);
    } else {
      expect(d['native']!.fix).toContain('linux-x64');
    }
  });

  it('native: the addon loading → ok with oneDNN and its threads', async () => {
    const d = await diagnose({
      '@simclr/native': native({ available: true, threads: 4, onednn: '3.1.0', active: false }),
      [WASM]: empty,
    });
    expect(d['native']).toEqual({
      name: 'native',
      status: 'ok',
      detail: '@simclr/native 9.9.9: oneDNN 3.1.0, 4 threads',
    });
  });

  it('native: installed without the wasm backend → not-installed, naming tfjs-backend-wasm', async () => {
    const d = await diagnose({ '@simclr/native': native({ available: true }) });
    expect(d['native']!.status).toBe('not-installed');
    expect(d['native']!.fix).toBe('npm install @tensorflow/tfjs-backend-wasm@4.22.0');
  });

  it('native: a package that throws on import or has no nativeStatus → failed', async () => {
    const broken = await diagnose({
      '@simclr/native': { files: { 'index.js': 'throw new Error("boom");\n' } },
      [WASM]: empty,
    });
    expect(broken['native']).toMatchObject({
      status: 'failed',
      detail: '@simclr/native 9.9.9 does not load: boom',
    });
    const old = await diagnose({ '@simclr/native': empty, [WASM]: empty });
    expect(old['native']).toMatchObject({ status: 'failed', fix: 'npm install @simclr/native@latest' });
  });

  it('wasm and cpu installed → ok; wasm says SIMD and one thread', async () => {
    const d = await diagnose({ [WASM]: empty, [CPU]: empty });
    expect(d['wasm']!.status).toBe('ok');
    expect(d['wasm']!.detail).toContain('@tensorflow/tfjs-backend-wasm 9.9.9: SIMD, 1 thread');
    expect(d['wasm']!.fix).toBeUndefined();
    expect(d['cpu']).toMatchObject({ status: 'ok', detail: expect.stringContaining('9.9.9') });
  });

  it('wasm without SIMD → ok, the slow plain build named; without WebAssembly → unavailable', async () => {
    vi.stubGlobal('WebAssembly', { validate: () => false });
    const slow = (await diagnose({ [WASM]: empty }))['wasm']!;
    expect(slow.status).toBe('ok');
    expect(slow.detail).toContain('no WebAssembly SIMD');
    expect(slow.fix).toContain('Node >= 20.19');
    vi.stubGlobal('WebAssembly', undefined);
    const none = (await diagnose({ [WASM]: empty }))['wasm']!;
    expect(none).toMatchObject({ status: 'unavailable', fix: 'run Node without --jitless' });
  });
});

describe('diagnoseBackends on this machine', () => {
  const cli = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

  it('cpu works, every other row has a fix, and setupBackend(auto) picks a backend diagnosed ok', async () => {
    const rows = await diagnoseBackends({ from: [cli, ...defaultLookupBases()] });
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName['cpu']!.status).toBe('ok');
    for (const row of rows) {
      expect(row.detail).not.toBe('');
      if (row.status !== 'ok') expect(row.fix, row.name).toMatch(/\S/);
    }
    await setupBackend('cpu');
    const choice = await autoBackend();
    expect(choice.name).toBeDefined();
    expect(byName[choice.name!]?.status).toBe('ok');
    // The backend active before is active again.
    expect(tf.getBackend()).toBe('cpu');
    expect(activeBackend()).toBe('cpu');
  });

  it('machineFacts: cores, CPU model and Node version', () => {
    const m = machineFacts();
    expect(m.cores).toBeGreaterThanOrEqual(1);
    expect(m.node).toBe(process.version);
    expect(m.cpuModel).not.toBe('');
    if (process.platform === 'linux') expect(typeof m.avx2).toBe('boolean');
  });
});

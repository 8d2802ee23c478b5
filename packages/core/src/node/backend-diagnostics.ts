import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { activeBackend, setupBackend } from '../backend.js';
import { BACKEND_PACKAGES, DAWN_PACKAGE, NATIVE_PACKAGE, TFJS_VERSION } from '../backend-packages.js';
import type { BackendName } from '../types.js';

/** The backends a Node process can use, in the order {@link diagnoseBackends} reports them. */
export type DiagnosedBackend = 'tensorflow' | 'webgpu' | 'native' | 'wasm' | 'cpu';

/** What {@link diagnoseBackends} found out about one backend. */
export interface BackendDiagnosis {
  name: DiagnosedBackend;
  /**
   * `ok`: it loads here. `not-installed`: a package it needs is missing. `unavailable`: installed, but
   * this machine lacks what it needs (a library, a GPU adapter, a build for this platform). `failed`:
   * installed, but loading it failed for another reason.
   */
  status: 'ok' | 'not-installed' | 'unavailable' | 'failed';
  /** One line: the version and what it runs on when ok, else what is missing or the error. */
  detail: string;
  /** The command (or step) that fixes it; present whenever the status is not `ok`. */
  fix?: string;
}

/** Options of {@link diagnoseBackends}. */
export interface DiagnoseBackendsOptions {
  /**
   * Where packages are looked up, first match first: files or directories, each searched as Node
   * resolves a bare import written there. Default: {@link defaultLookupBases}. When given, only these
   * count; otherwise a tfjs backend already registered in this process counts as installed too.
   */
  from?: readonly string[];
  /** How long a probe process (tfjs-node, Dawn) may take, in milliseconds. Default 60 000. */
  timeoutMs?: number;
}

/** The machine facts that decide how fast the CPU backends are. */
export interface MachineFacts {
  cpuModel: string;
  /** `os.availableParallelism()`. */
  cores: number;
  /** From the `flags` line of /proc/cpuinfo; undefined where there is none (not Linux). */
  avx2: boolean | undefined;
  /** AVX-512 Foundation (`avx512f`). */
  avx512: boolean | undefined;
  node: string;
  platform: string;
}

/** What `setupBackend('auto')` chose, or why it could not choose any. */
export type AutoBackendChoice =
  | { name: BackendName; accelerated: boolean; skipped: string[] }
  | { name: undefined; error: string };

const TENSORFLOW_PACKAGES = BACKEND_PACKAGES.tensorflow;
const WEBGPU_BACKEND = BACKEND_PACKAGES.webgpu[0]!;
const WASM_PACKAGE = BACKEND_PACKAGES.wasm[0]!;
const CPU_PACKAGE = BACKEND_PACKAGES.cpu[0]!;
/** The line a probe process prints its answer on. */
const MARKER = '@@simclr-probe@@';

/**
 * The places {@link diagnoseBackends} looks packages up by default: beside `@simclr/core` itself (where
 * `setupBackend` imports backends from), beside the program's main module (where it also looks for
 * `@simclr/native`), and in the current directory.
 */
export function defaultLookupBases(): string[] {
  const bases = [fileURLToPath(import.meta.url)];
  const main = process.argv[1];
  if (main !== undefined && main !== '') bases.push(resolve(main));
  bases.push(join(process.cwd(), 'index.js'));
  return bases;
}

/** Where packages are looked up, and whether a tfjs backend registered in this process counts as installed. */
interface Lookup {
  bases: readonly string[];
  registered: boolean;
}

/** Whether the tfjs backend `tfName` is installed: its package found, or (by default) it is registered. */
function installed(pkg: string, tfName: string, where: Lookup): boolean {
  return lookup(pkg, where) !== undefined || (where.registered && tf.findBackendFactory(tfName) !== null);
}

/** A package found: its folder, its version, and its entry file when that resolves. */
interface Found {
  dir: string;
  version: string;
  entry?: string;
  /** Why the entry does not resolve, when it does not. */
  entryError?: string;
}

/**
 * The node_modules folders an ES module import from `file` searches, nearest first. Not Node's global
 * folders or NODE_PATH (which pnpm's shims set): `import` ignores them, and so does `setupBackend`.
 */
function nodeModulesAbove(file: string): string[] {
  const folders: string[] = [];
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') folders.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) return folders;
  }
}

function lookup(name: string, { bases }: Lookup): Found | undefined {
  for (const given of bases) {
    const base = given.startsWith('file:') ? fileURLToPath(given) : given;
    // A folder stands for a module in it; a file (a symlinked bin too) for the file it really is.
    const from = !existsSync(base)
      ? base
      : statSync(base).isDirectory()
        ? join(realpathSync(base), 'index.js')
        : realpathSync(base);
    const require = createRequire(from);
    for (const folder of nodeModulesAbove(from)) {
      const dir = join(folder, name);
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      let version = '?';
      try {
        version = String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version);
      } catch {
        // An unreadable package.json: the entry check below says more.
      }
      try {
        return { dir, version, entry: require.resolve(name) };
      } catch (error) {
        return { dir, version, entryError: firstLine(error) };
      }
    }
  }
  return undefined;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((l) => l.trim() !== '') ?? text;
}

/** `lib….so.N` named in a loader error, if any. */
function sharedLibrary(message: string): string | undefined {
  return /(lib[\w+.-]*?\.so(?:\.\d+)*)/.exec(message)?.[1];
}

interface ProbeResult {
  answer?: Record<string, unknown>;
  stderr: string;
  /** Why there is no answer: the exit code or signal, or the timeout. */
  died?: string;
}

/**
 * Runs `code` (an ES module) in a separate Node process, which may crash or print without harm here; the
 * answer is the JSON it prints after {@link MARKER}.
 */
function probe(code: string, timeoutMs: number): Promise<ProbeResult> {
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env['TF_CPP_MIN_LOG_LEVEL'] ?? '2' };
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', code],
      { env, timeout: timeoutMs, maxBuffer: 4 << 20, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const line = stdout
          .split('\n')
          .reverse()
          .find((l) => l.startsWith(MARKER));
        if (line !== undefined) {
          try {
            done({ answer: JSON.parse(line.slice(MARKER.length)), stderr });
            return;
          } catch {
            // Fall through: no answer.
          }
        }
        const e = error as (Error & { killed?: boolean; code?: unknown; signal?: unknown }) | null;
        const died =
          e?.killed === true
            ? `no answer within ${timeoutMs / 1000} s`
            : e?.signal != null
              ? `the process was killed by ${String(e.signal)}`
              : `the process exited with code ${String(e?.code ?? 0)}`;
        done({ stderr, died });
      },
    );
  });
}

/** The script of a probe: `body` runs with `url` the module to import; it ends by calling `answer`. */
function probeScript(url: string, body: string): string {
  return `const url = ${JSON.stringify(url)};
const answer = (value) => { process.stdout.write('\\n${MARKER}' + JSON.stringify(value) + '\\n'); process.exit(0); };
try { ${body} } catch (error) { answer({ error: String(error && error.message || error) }); }`;
}

/** Native error output worth showing: warnings and errors, without stack lines and unrelated noise. */
function condense(stderr: string, limit = 240): string {
  const text = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at ') && !l.includes('XDG_RUNTIME_DIR'))
    .join(' ')
    .replace(/\s+/g, ' ');
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Why `pkg` (tfjs-node or tfjs-node-gpu) does not load, from the error of importing it. */
function tensorflowFailure(pkg: string, message: string): Omit<BackendDiagnosis, 'name'> {
  const lib = sharedLibrary(message);
  const cpuBuild = `npm install @tensorflow/tfjs-node@${TFJS_VERSION}`;
  if (lib?.startsWith('libcudart')) {
    return {
      status: 'unavailable',
      detail: `${pkg} needs the CUDA 11.2 runtime: ${lib} is missing`,
      fix: `install CUDA 11.2 and cuDNN 8 (their lib64 folders on LD_LIBRARY_PATH), or use the CPU build: ${cpuBuild}`,
    };
  }
  if (lib?.startsWith('libcudnn')) {
    return {
      status: 'unavailable',
      detail: `${pkg} needs cuDNN 8 for CUDA 11.2: ${lib} is missing`,
      fix: `install cuDNN 8 for CUDA 11.2 (its lib folder on LD_LIBRARY_PATH), or use the CPU build: ${cpuBuild}`,
    };
  }
  if (lib !== undefined && /^lib(cu|nv)/.test(lib)) {
    return {
      status: 'unavailable',
      detail: `${pkg} needs a CUDA 11.2 library: ${lib} is missing`,
      fix: `install the CUDA 11.2 toolkit (its lib64 folder on LD_LIBRARY_PATH), or use the CPU build: ${cpuBuild}`,
    };
  }
  if (lib?.startsWith('libtensorflow')) {
    return {
      status: 'unavailable',
      detail: `${pkg}'s libtensorflow is missing (${lib}): its install step did not download it`,
      fix: `npm rebuild ${pkg}`,
    };
  }
  if (/tfjs_binding\.node/.test(message)) {
    return {
      status: 'unavailable',
      detail: `${pkg}'s native binding (tfjs_binding.node) was not built or downloaded`,
      fix: `npm rebuild ${pkg}`,
    };
  }
  if (/GLIBC(XX)?_[\d.]+/.test(message)) {
    return {
      status: 'unavailable',
      detail: `${pkg} needs a newer C library than this system's: ${message}`,
      fix: `use a newer Linux distribution for ${pkg}, or another backend`,
    };
  }
  return { status: 'failed', detail: `${pkg} does not load: ${message}`, fix: `npm rebuild ${pkg}` };
}

async function diagnoseTensorflow(where: Lookup, timeoutMs: number): Promise<Omit<BackendDiagnosis, 'name'>> {
  const found = TENSORFLOW_PACKAGES.map((pkg) => [pkg, lookup(pkg, where)] as const).filter(
    (f): f is readonly [(typeof TENSORFLOW_PACKAGES)[number], Found] => f[1] !== undefined,
  );
  if (found.length === 0) {
    return {
      status: 'not-installed',
      detail:
        'neither @tensorflow/tfjs-node nor @tensorflow/tfjs-node-gpu is installed (libtensorflow, the fastest CPU backend; -gpu for CUDA 11.2)',
      fix: `npm install @tensorflow/tfjs-node@${TFJS_VERSION}`,
    };
  }
  const failures: Omit<BackendDiagnosis, 'name'>[] = [];
  // As setupBackend tries them: the GPU build first.
  for (const [pkg, { entry, entryError, version }] of found) {
    if (entry === undefined) {
      failures.push({
        status: 'failed',
        detail: `${pkg} is installed but does not resolve: ${entryError}`,
        fix: `npm install ${pkg}@${TFJS_VERSION}`,
      });
      continue;
    }
    const result = await probe(
      probeScript(pathToFileURL(entry).href, 'await import(url); answer({ ok: true });'),
      timeoutMs,
    );
    if (result.answer?.['ok'] === true) {
      const loads = `${pkg} ${version} loads (libtensorflow${pkg.endsWith('-gpu') ? ' with CUDA' : ', CPU'})`;
      const earlier = failures[0];
      return earlier === undefined
        ? { status: 'ok', detail: loads }
        : { status: 'ok', detail: `${loads}; ${earlier.detail}`, ...(earlier.fix && { fix: earlier.fix }) };
    }
    const message =
      typeof result.answer?.['error'] === 'string'
        ? result.answer['error']
        : `${result.died}${result.stderr.trim() === '' ? '' : `: ${condense(result.stderr)}`}`;
    failures.push(tensorflowFailure(pkg, message));
  }
  const [first, ...rest] = failures as [Omit<BackendDiagnosis, 'name'>, ...Omit<BackendDiagnosis, 'name'>[]];
  return rest.length === 0 ? first : { ...first, detail: [first, ...rest].map((f) => f.detail).join('; ') };
}

function vulkanFix(): string {
  if (process.platform === 'linux') {
    return "install the GPU's Vulkan driver (vulkaninfo --summary lists the devices); a CPU-only Vulkan such as Mesa's lavapipe lacks features Dawn needs";
  }
  if (process.platform === 'win32') return 'update the GPU driver (Dawn uses Direct3D 12)';
  return 'update the system (Dawn uses Metal)';
}

async function diagnoseWebgpu(where: Lookup, timeoutMs: number): Promise<Omit<BackendDiagnosis, 'name'>> {
  const dawn = lookup(DAWN_PACKAGE, where);
  const backendFound = installed(WEBGPU_BACKEND, 'webgpu', where);
  const missing = [
    ...(dawn === undefined ? [DAWN_PACKAGE] : []),
    ...(backendFound ? [] : [`${WEBGPU_BACKEND}@${TFJS_VERSION}`]),
  ];
  if (missing.length > 0) {
    const what = [
      ...(dawn === undefined ? ["the 'webgpu' package (Dawn, WebGPU for Node)"] : []),
      ...(backendFound ? [] : [`${WEBGPU_BACKEND} (the tfjs backend)`]),
    ];
    return {
      status: 'not-installed',
      detail: `${what.join(' and ')} ${what.length > 1 ? 'are' : 'is'} not installed`,
      fix: `npm install ${missing.join(' ')}`,
    };
  }
  const { entry, entryError, version } = dawn!;
  if (entry === undefined) {
    return {
      status: 'failed',
      detail: `webgpu is installed but does not resolve: ${entryError}`,
      fix: 'npm install webgpu',
    };
  }
  const result = await probe(
    probeScript(
      pathToFileURL(entry).href,
      `const { create } = await import(url);
const gpu = create([]);
const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (adapter == null) answer({ adapter: null });
const info = adapter.info ?? {};
answer({ adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, fallback: adapter.isFallbackAdapter === true || info.isFallbackAdapter === true } });`,
    ),
    timeoutMs,
  );
  const dawnSays = condense(result.stderr);
  if (result.answer === undefined) {
    return {
      status: 'failed',
      detail: `probing Dawn failed: ${result.died}${dawnSays === '' ? '' : ` (${dawnSays})`}`,
      fix: 'npm install webgpu@latest',
    };
  }
  const error = result.answer['error'];
  if (typeof error === 'string') {
    const lib = sharedLibrary(error);
    if (lib?.startsWith('libvulkan')) {
      return {
        status: 'unavailable',
        detail: `webgpu ${version}: Dawn needs the Vulkan loader: ${lib} is missing`,
        fix: `install the Vulkan loader (apt-get install libvulkan1) and ${vulkanFix().replace(/^install /, '')}`,
      };
    }
    if (lib !== undefined || /GLIBC(XX)?_|dawn\.node/.test(error)) {
      return {
        status: 'unavailable',
        detail: `webgpu ${version}: Dawn's binary does not load here: ${error}`,
        fix: 'npm install webgpu@latest (its builds: linux-x64, linux-arm64, darwin, win32)',
      };
    }
    return {
      status: 'failed',
      detail: `webgpu ${version} failed: ${error}`,
      fix: 'npm install webgpu@latest',
    };
  }
  const adapter = result.answer['adapter'] as
    | { vendor?: string; architecture?: string; device?: string; description?: string; fallback?: boolean }
    | null
    | undefined;
  if (adapter == null) {
    return {
      status: 'unavailable',
      detail: `webgpu ${version} loads, but requestAdapter() returned null: Dawn found no GPU adapter${dawnSays === '' ? '' : ` (Dawn: ${dawnSays})`}`,
      fix: vulkanFix(),
    };
  }
  const named =
    [adapter.vendor, adapter.architecture, adapter.device, adapter.description]
      .filter((s) => typeof s === 'string' && s !== '')
      .join(' ') || 'unnamed';
  return {
    status: 'ok',
    detail: `webgpu ${version}: adapter ${named}${adapter.fallback === true ? ' (a software fallback adapter, slow)' : ''}`,
  };
}

async function diagnoseNative(where: Lookup): Promise<Omit<BackendDiagnosis, 'name'>> {
  const found = lookup(NATIVE_PACKAGE, where);
  if (found === undefined) {
    return {
      status: 'not-installed',
      detail: '@simclr/native (oneDNN kernels for wasm, every core) is not installed',
      fix: 'npm install @simclr/native',
    };
  }
  if (!installed(WASM_PACKAGE, 'wasm', where)) {
    return {
      status: 'not-installed',
      detail: `@simclr/native runs inside the wasm backend, and ${WASM_PACKAGE} is not installed`,
      fix: `npm install ${WASM_PACKAGE}@${TFJS_VERSION}`,
    };
  }
  if (found.entry === undefined) {
    return {
      status: 'failed',
      detail: `@simclr/native ${found.version} is installed but does not resolve (not built?): ${found.entryError}`,
      fix: realpathSync(found.dir).split(sep).includes('node_modules')
        ? 'npm install @simclr/native'
        : 'pnpm --filter @simclr/native build',
    };
  }
  let status: { available?: unknown; reason?: unknown; threads?: unknown; onednn?: unknown };
  try {
    const module = (await import(/* @vite-ignore */ pathToFileURL(found.entry).href)) as {
      nativeStatus?: () => typeof status;
    };
    if (typeof module.nativeStatus !== 'function') {
      return {
        status: 'failed',
        detail: `@simclr/native ${found.version} has no nativeStatus(): an incompatible version`,
        fix: 'npm install @simclr/native@latest',
      };
    }
    status = module.nativeStatus();
  } catch (error) {
    return {
      status: 'failed',
      detail: `@simclr/native ${found.version} does not load: ${firstLine(error)}`,
      fix: 'npm install @simclr/native',
    };
  }
  if (status.available === true) {
    const threads = typeof status.threads === 'number' ? `, ${status.threads} threads` : '';
    const onednn = typeof status.onednn === 'string' ? ` oneDNN ${status.onednn}` : '';
    return { status: 'ok', detail: `@simclr/native ${found.version}:${onednn}${threads}` };
  }
  const reason = typeof status.reason === 'string' ? status.reason : 'not available here';
  const script = join(found.dir, 'scripts', 'build-addon.mjs');
  const buildable = process.platform === 'linux' && process.arch === 'x64' && existsSync(script);
  return {
    status: 'unavailable',
    detail: `@simclr/native ${found.version}: ${reason}`,
    fix: buildable
      ? `apt-get install libdnnl-dev g++, then node ${script}`
      : `none for ${process.platform}-${process.arch}: the addon runs on linux-x64 (wasm is used instead)`,
  };
}

/** A tiny module with one SIMD instruction (as tfjs-backend-wasm checks). */
const SIMD_MODULE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11,
]);

function diagnoseWasm(where: Lookup): Omit<BackendDiagnosis, 'name'> {
  const wasm = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
  if (wasm === undefined) {
    return {
      status: 'unavailable',
      detail: 'WebAssembly is disabled in this Node (started with --jitless?)',
      fix: 'run Node without --jitless',
    };
  }
  const found = lookup(WASM_PACKAGE, where);
  if (found === undefined && !installed(WASM_PACKAGE, 'wasm', where)) {
    return {
      status: 'not-installed',
      detail: `${WASM_PACKAGE} is not installed`,
      fix: `npm install ${WASM_PACKAGE}@${TFJS_VERSION}`,
    };
  }
  let simd = false;
  try {
    simd = wasm.validate(SIMD_MODULE);
  } catch {
    // No SIMD.
  }
  const version = found === undefined ? '(registered)' : found.version;
  const threads = '1 thread (tfjs runs wasm single-threaded in Node; native adds threaded kernels)';
  return simd
    ? { status: 'ok', detail: `${WASM_PACKAGE} ${version}: SIMD, ${threads}` }
    : {
        status: 'ok',
        detail: `${WASM_PACKAGE} ${version}: no WebAssembly SIMD in this Node, the plain build (several times slower), ${threads}`,
        fix: 'use Node >= 20.19, which has WebAssembly SIMD',
      };
}

function diagnoseCpu(where: Lookup): Omit<BackendDiagnosis, 'name'> {
  const found = lookup(CPU_PACKAGE, where);
  if (found === undefined && !installed(CPU_PACKAGE, 'cpu', where)) {
    return {
      status: 'not-installed',
      detail: `${CPU_PACKAGE} is not installed`,
      fix: `npm install ${CPU_PACKAGE}@${TFJS_VERSION}`,
    };
  }
  const version = found === undefined ? '(registered)' : found.version;
  return { status: 'ok', detail: `${CPU_PACKAGE} ${version}: plain JavaScript, 1 thread, always works` };
}

/**
 * Says which backends load in this Node process and why the others do not, each with the command that
 * fixes it: `tensorflow` (tfjs-node or tfjs-node-gpu and its libtensorflow, CUDA and cuDNN), `webgpu`
 * (the `webgpu` package's Dawn and a GPU adapter), `native` (`@simclr/native` and its addon), `wasm`
 * (the package, WebAssembly SIMD) and `cpu`.
 *
 * It never throws and never changes the active tfjs backend. tfjs-node and Dawn are loaded only in a
 * separate Node process (their native libraries may crash or print to stderr; what they print there is
 * read for the diagnosis, not shown). `@simclr/native` is imported here, as `setupBackend` would import
 * it, which makes it available to `setupBackend`; the wasm and cpu packages are only looked up.
 */
export async function diagnoseBackends(options: DiagnoseBackendsOptions = {}): Promise<BackendDiagnosis[]> {
  const where: Lookup =
    options.from === undefined
      ? { bases: defaultLookupBases(), registered: true }
      : { bases: [...options.from], registered: false };
  const timeoutMs = options.timeoutMs ?? 60_000;
  const [tensorflow, webgpu] = await Promise.all([
    diagnoseTensorflow(where, timeoutMs),
    diagnoseWebgpu(where, timeoutMs),
  ]);
  const native = await quietly(() => diagnoseNative(where));
  return [
    { name: 'tensorflow', ...tensorflow },
    { name: 'webgpu', ...webgpu },
    { name: 'native', ...native },
    { name: 'wasm', ...diagnoseWasm(where) },
    { name: 'cpu', ...diagnoseCpu(where) },
  ];
}

/** CPU model, cores, AVX2 / AVX-512, Node version and platform. */
export function machineFacts(): MachineFacts {
  let flags: Set<string> | undefined;
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    if (line !== undefined) flags = new Set(line.trim().split(/\s+/));
  } catch {
    // Not Linux: unknown.
  }
  return {
    cpuModel: cpus()[0]?.model.trim() || 'unknown',
    cores: availableParallelism(),
    avx2: flags?.has('avx2'),
    avx512: flags?.has('avx512f'),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/**
 * Runs `fn` with what packages print through `console` (tfjs's notices, setupBackend's) held back, and
 * TensorFlow's own C++ log below warnings unless TF_CPP_MIN_LOG_LEVEL says otherwise.
 */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const methods = ['log', 'info', 'warn', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  const logLevel = process.env['TF_CPP_MIN_LOG_LEVEL'];
  for (const m of methods) console[m] = () => {};
  process.env['TF_CPP_MIN_LOG_LEVEL'] = logLevel ?? '2';
  try {
    return await fn();
  } finally {
    methods.forEach((m, i) => {
      console[m] = saved[i]!;
    });
    if (logLevel === undefined) delete process.env['TF_CPP_MIN_LOG_LEVEL'];
  }
}

const SIMCLR_BACKENDS: readonly string[] = ['tensorflow', 'webgpu', 'webgl', 'native', 'wasm', 'cpu'];

/**
 * The backend `setupBackend('auto')` picks here, found by running it (it imports and initialises that
 * backend, as an app's first `setupBackend('auto')` would). Afterwards the backend that was active before
 * is set up again; when none was, the picked one stays active. Console output meanwhile (tfjs's notices,
 * setupBackend's native notice) is held back. Never throws: when no backend works it returns the error.
 */
export async function autoBackend(): Promise<AutoBackendChoice> {
  const before = (tf.getBackend() as string | null | undefined) ?? undefined;
  const previous = before === undefined ? undefined : activeBackend();
  return quietly(async () => {
    let choice: AutoBackendChoice;
    try {
      const info = await setupBackend('auto');
      choice = { name: info.name, accelerated: info.accelerated, skipped: info.skipped };
    } catch (error) {
      choice = { name: undefined, error: firstLine(error) };
    }
    if (previous !== undefined && previous !== choice.name) {
      try {
        if (SIMCLR_BACKENDS.includes(previous)) await setupBackend(previous);
        else await tf.setBackend(before!);
      } catch {
        // It worked before; if it no longer does, the picked backend stays active.
      }
    }
    return choice;
  });
}

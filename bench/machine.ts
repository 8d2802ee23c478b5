/** The machine a run was taken on, recorded beside its numbers. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  /**
   * The CPU's vector extensions among those that set the speed here: wasm SIMD is 128-bit whatever the
   * CPU, while PyTorch's oneDNN uses AVX2, AVX-512 and AMX where present. Space-separated; empty off Linux.
   */
  vectorExtensions: string;
  /** Logical CPUs the OS reports. */
  cores: number;
  /** CPUs this process may use (affinity, cgroup limits); the all-threads PyTorch run uses this many. */
  availableParallelism: number;
  memoryBytes: number;
  platform: string;
  kernel: string;
  node: string;
  /** 1-minute load average when the run started: well above 0 means other work shared the machine. */
  loadAverageAtStart: number;
  /** Commit of the repository, with `+dirty` when the working tree has changes. */
  commit: string | null;
}

const VECTOR_EXTENSIONS = [
  'sse4_2',
  'avx',
  'avx2',
  'fma',
  'avx512f',
  'avx512_vnni',
  'avx512_bf16',
  'amx_tile',
];

/** The value of the first `/proc/cpuinfo` line starting with `key`, or null (not Linux). */
function cpuinfo(key: string): string | null {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(key));
    return line === undefined ? null : line.slice(line.indexOf(':') + 1).trim();
  } catch {
    return null;
  }
}

function commit(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain').length > 0 ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuinfo('model name') ?? os.cpus()[0]?.model ?? 'unknown',
    vectorExtensions: (cpuinfo('flags') ?? '')
      .split(' ')
      .filter((f) => VECTOR_EXTENSIONS.includes(f))
      .join(' '),
    cores: os.cpus().length,
    availableParallelism: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    loadAverageAtStart: os.loadavg()[0]!,
    commit: commit(),
  };
}

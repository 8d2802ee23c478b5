/** The machine a run was taken on, recorded beside its numbers. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
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

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
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
    cpuModel: cpuModel(),
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

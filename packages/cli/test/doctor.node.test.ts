import { expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const BACKENDS = ['tensorflow', 'webgpu', 'native', 'wasm', 'cpu'];
const STATUSES = ['ok', 'not-installed', 'unavailable', 'failed'];

it('simclr doctor prints every backend with its status, the machine and the backend it would use', async () => {
  const { code, out, err } = await runCli('doctor');
  expect(code).toBe(0);
  expect(err).toBe('');
  const lines = out.split('\n');
  expect(lines[0]).toMatch(/^backend\s+status\s+detail \/ fix$/);
  const status: Record<string, string> = {};
  for (const name of BACKENDS) {
    const row = lines.find((l) => l.startsWith(`${name} `));
    expect(row, name).toBeDefined();
    status[name] = row!.split(/\s+/)[1]!;
    expect(STATUSES).toContain(status[name]);
  }
  expect(status['cpu']).toBe('ok');
  // A row that is not ok is followed by its fix.
  for (const name of BACKENDS.filter((n) => status[n] !== 'ok')) {
    const at = lines.findIndex((l) => l.startsWith(`${name} `));
    const next = lines.slice(at + 1).findIndex((l) => !l.startsWith(' ')) + at + 1;
    expect(lines.slice(at, next).join(' '), name).toMatch(/fix: \S/);
  }
  expect(out).toMatch(/\nmachine: .+, \d+ cores, AVX2 (yes|no|unknown), AVX-512 (yes|no|unknown), Node v\d+/);
  const picked = /\nsimclr would use: (\S+)\n$/.exec(out)?.[1];
  expect(status[picked!]).toBe('ok');
  expect(out).not.toContain('TensorFlow.js in Node.js');
});

it('simclr doctor --json: every backend, the pick among those ok, the machine', async () => {
  const { code, out } = await runCli('doctor', '--json');
  expect(code).toBe(0);
  const report = JSON.parse(out) as {
    backends: { name: string; status: string; detail: string; fix?: string }[];
    picked: string | null;
    skipped: string[];
    machine: { cores: number; node: string };
  };
  expect(report.backends.map((b) => b.name)).toEqual(BACKENDS);
  for (const b of report.backends) {
    expect(STATUSES).toContain(b.status);
    if (b.status !== 'ok') expect(b.fix, b.name).toMatch(/\S/);
  }
  const ok = report.backends.filter((b) => b.status === 'ok').map((b) => b.name);
  expect(ok).toContain('cpu');
  expect(ok).toContain(report.picked);
  expect(report.machine.node).toBe(process.version);
  expect(report.machine.cores).toBeGreaterThanOrEqual(1);
});

it('simclr doctor refuses arguments and unknown flags (exit 2)', async () => {
  expect((await runCli('doctor', 'now')).code).toBe(2);
  const { code, err } = await runCli('doctor', '--fast');
  expect(code).toBe(2);
  expect(err).toContain('simclr doctor');
});

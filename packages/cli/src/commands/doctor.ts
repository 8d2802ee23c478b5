import { fileURLToPath } from 'node:url';
import {
  type AutoBackendChoice,
  autoBackend,
  type BackendDiagnosis,
  defaultLookupBases,
  diagnoseBackends,
  type MachineFacts,
  machineFacts,
} from '@simclr/core/node';
import { type FlagSpec, formatHelp, parseFlags } from '../flags.js';
import { type Io, processIo } from '../io.js';
import { UsageError } from '../usage-error.js';

const FLAGS: Record<string, FlagSpec> = {
  json: { type: 'boolean', help: 'print the diagnosis as JSON' },
};

export const doctorHelp = formatHelp(
  'simclr doctor [--json]',
  'Says which TensorFlow.js backends load on this machine (tensorflow, webgpu, native, wasm, cpu), why\n' +
    'the others do not and the command that fixes each, the backend simclr would use (as --backend auto\n' +
    'picks it), and the machine facts that decide its speed. tfjs-node and WebGPU are probed in a separate\n' +
    'process. Exits 0 when some backend works.',
  FLAGS,
);

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

const yesNo = (flag: boolean | undefined) => (flag === undefined ? 'unknown' : flag ? 'yes' : 'no');

function describeMachine(m: MachineFacts): string {
  return `${m.cpuModel}, ${m.cores} cores, AVX2 ${yesNo(m.avx2)}, AVX-512 ${yesNo(m.avx512)}, Node ${m.node}, ${m.platform}`;
}

/** The table: backend, status, then the detail and the fix, wrapped to `columns`. */
function formatTable(rows: readonly BackendDiagnosis[], columns: number): string {
  const nameWidth = Math.max('backend'.length, ...rows.map((r) => r.name.length)) + 2;
  const statusWidth = Math.max('status'.length, ...rows.map((r) => r.status.length)) + 2;
  const indent = ' '.repeat(nameWidth + statusWidth);
  const width = Math.max(40, columns - indent.length);
  const lines = [`${'backend'.padEnd(nameWidth)}${'status'.padEnd(statusWidth)}detail / fix`];
  for (const row of rows) {
    const text = [
      ...wrap(row.detail, width),
      ...(row.fix === undefined ? [] : wrap(`fix: ${row.fix}`, width)),
    ];
    lines.push(`${row.name.padEnd(nameWidth)}${row.status.padEnd(statusWidth)}${text[0]}`);
    for (const more of text.slice(1)) lines.push(`${indent}${more}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Backends the table calls ok that `setupBackend('auto')` passed over, with its reason. */
function passedOver(rows: readonly BackendDiagnosis[], choice: AutoBackendChoice): string[] {
  if (choice.name === undefined) return [];
  const ok = new Set(rows.filter((r) => r.status === 'ok').map((r) => r.name as string));
  return choice.skipped.filter((s) => ok.has(/^'([\w-]+)'/.exec(s)?.[1] ?? ''));
}

/** Accelerated backends that work here but that `setupBackend('auto')` neither picked nor tried. */
function unpicked(rows: readonly BackendDiagnosis[], choice: AutoBackendChoice): string[] {
  if (choice.name === undefined) return [];
  const tried = new Set(choice.skipped.map((s) => /^'([\w-]+)'/.exec(s)?.[1]));
  return rows
    .filter((r) => r.status === 'ok' && (r.name === 'tensorflow' || r.name === 'webgpu'))
    .map((r) => r.name)
    .filter((name) => name !== choice.name && !tried.has(name));
}

/** Runs `simclr doctor`; returns the process exit code: 0 when some backend works, else 1. */
export async function runDoctor(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, 'doctor');
  if (values['help'] === true) {
    io.out.write(doctorHelp);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `doctor takes no arguments, got "${positionals.join(' ')}"; see 'simclr doctor --help'`,
    );
  }
  // Beside this command too: the packages that come with @simclr/cli (native, wasm, cpu) are found.
  const backends = await diagnoseBackends({
    from: [fileURLToPath(import.meta.url), ...defaultLookupBases()],
  });
  const choice = await autoBackend();
  const machine = machineFacts();
  const notes = passedOver(backends, choice);
  const works = choice.name !== undefined;
  if (values['json'] === true) {
    const picked =
      choice.name === undefined
        ? { picked: null, error: choice.error }
        : { picked: choice.name, accelerated: choice.accelerated, skipped: choice.skipped };
    io.out.write(`${JSON.stringify({ backends, ...picked, machine }, null, 2)}\n`);
    return works ? 0 : 1;
  }
  const columns = (io.out as { columns?: number }).columns ?? 110;
  io.out.write(formatTable(backends, columns));
  io.out.write(`\nmachine: ${describeMachine(machine)}\n`);
  for (const note of notes) io.out.write(`note: setupBackend('auto') passed over ${note}\n`);
  for (const name of unpicked(backends, choice)) {
    io.out.write(`note: ${name} works here, but auto does not pick it; ask for it with --backend ${name}\n`);
  }
  io.out.write(
    choice.name === undefined
      ? `simclr would use: none (${choice.error})\n`
      : `simclr would use: ${choice.name}\n`,
  );
  return works ? 0 : 1;
}

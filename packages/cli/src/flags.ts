import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** A flag of a command: its type and its line in `--help`. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help, e.g. `N` or `DIR`. */
  value?: string;
  help: string;
}

/** Parses `argv` against `spec`; unknown flags and missing values raise a `UsageError` naming them. */
export function parseFlags(
  argv: readonly string[],
  spec: Record<string, FlagSpec>,
  command: string,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(spec).map(([name, s]) => [
      name,
      { type: s.type, ...(s.short !== undefined && { short: s.short }) },
    ]),
  );
  // `--lr -1`: parseArgs takes "-1" for an option; join it to its flag so the flag's own check answers.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([^=]+)$/.exec(argv[i]!)?.[1];
    const next = argv[i + 1];
    if (name !== undefined && spec[name]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      args.push(`--${name}=${next}`);
      i++;
    } else {
      args.push(argv[i]!);
    }
  }
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (err) {
    throw new UsageError(
      `${(err as Error).message.replace(/\. To specify.*$/s, '')}; see 'simclr ${command} --help'`,
    );
  }
}

/** The text a string flag holds; `undefined` when the flag is absent or empty. */
export function stringFlag(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The choice a flag holds, checked against `choices`; `undefined` when the flag is absent. */
export function choiceFlag<T extends string>(
  value: string | boolean | undefined,
  flag: string,
  choices: readonly T[],
): T | undefined {
  const text = stringFlag(value);
  if (text !== undefined && !(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got "${text}"`);
  }
  return text as T | undefined;
}

/** Plain decimal numbers (`0.3`, `-1`, `1e-6`); integers are digits only. No hex, binary, spaces or `Infinity`. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** The number a flag holds, checked; `undefined` when the flag is absent. */
export function numberFlag(
  value: string | boolean | undefined,
  flag: string,
  { integer = false, min = -Infinity }: { integer?: boolean; min?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const kind = integer ? 'an integer' : 'a decimal number';
  const bound = Number.isFinite(min) ? ` >= ${min}` : '';
  if (typeof value !== 'string' || !(integer ? INTEGER : DECIMAL).test(value)) {
    throw new UsageError(`--${flag} must be ${kind}${bound} written in plain digits, got "${value}"`);
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) {
    throw new UsageError(
      `--${flag} must be ${kind}${bound}, got ${n < min && n < 0 ? `a negative number, "${value}"` : `"${value}"`}`,
    );
  }
  return n;
}

/** A comma-separated list of numbers (`32,64,128`), each checked as {@link numberFlag}; `undefined` when absent. */
export function numberListFlag(
  value: string | boolean | undefined,
  flag: string,
  options: { integer?: boolean; min?: number; length?: number } = {},
): number[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--${flag} must be a comma-separated list of numbers, got "${String(value)}"`);
  }
  const items = value.split(',').map((item) => numberFlag(item.trim(), flag, options)!);
  if (options.length !== undefined && items.length !== options.length) {
    throw new UsageError(`--${flag} must hold ${options.length} comma-separated numbers, got "${value}"`);
  }
  return items;
}

/**
 * A `--workers N|auto` flag: undefined when absent, `'auto'` (one worker per core), or an integer >= 1.
 */
export function workersFlag(value: string | boolean | undefined): number | 'auto' | undefined {
  if (value === 'auto') return 'auto';
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[1-9][0-9]*$/.test(value.trim())) {
    throw new UsageError(`--workers must be an integer >= 1 or "auto", got "${value}"`);
  }
  return Number(value);
}

/** The `--help` text of a command. */
export function formatHelp(usage: string, description: string, spec: Record<string, FlagSpec>): string {
  const rows = Object.entries(spec).map(([name, s]) => {
    const left = `${s.short !== undefined ? `-${s.short}, ` : '    '}--${name}${s.value !== undefined ? ` ${s.value}` : ''}`;
    return `  ${left.padEnd(30)} ${s.help}`;
  });
  return `Usage: ${usage}\n\n${description}\n\nOptions:\n${rows.join('\n')}\n  -h, --help                     Show this help\n`;
}

import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('simclr', () => {
  it('--help lists every command and exits 0', async () => {
    const { code, out } = await runCli('--help');
    expect(code).toBe(0);
    for (const command of ['pretrain', 'eval', 'augment-preview'])
      expect(out).toMatch(new RegExp(`\\n  ${command} `));
  });

  it('no command prints the overview and exits 2; an unknown one says so on stderr', async () => {
    const none = await runCli();
    expect(none.code).toBe(2);
    expect(none.out).toContain('Usage: simclr <command>');
    const unknown = await runCli('evaluate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('simclr: unknown command "evaluate"');
    expect(unknown.err).toContain('Commands:');
    // Names inherited by every object are not commands.
    expect((await runCli('constructor')).code).toBe(2);
  });

  it('help <command> and <command> --help print its help', async () => {
    for (const command of ['pretrain', 'eval', 'augment-preview']) {
      const viaHelp = await runCli('help', command);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.out).toMatch(new RegExp(`^Usage: simclr ${command} `));
      expect((await runCli(command, '--help')).out).toBe(viaHelp.out);
    }
  });
});

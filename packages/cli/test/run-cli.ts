import { Writable } from 'node:stream';
import { main } from '../src/main.js';

/** What one in-process `simclr …` call printed and returned. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/** Runs `simclr ...argv` in this process, capturing what it writes. */
export async function runCli(...argv: string[]): Promise<CliRun> {
  const out = collector();
  const err = collector();
  const code = await main(argv, { out: out.stream, err: err.stream });
  return { code, out: out.text(), err: err.text() };
}

/**
 * Steps per second of a training step with the library's per-call value checks (8 read-backs per step,
 * `pretrain` before) and with one read-back (`pretrain` now), measured in the same run, alternating, on
 * wasm and cpu in Node and on webgl in headless Chromium (SwiftShader here: a CPU-emulated GPU, so the
 * sync cost is that of this emulation, not of a real GPU).
 *
 *   tsx --conditions=source value-checks.ts [--batch=64] [--rounds=6] [--no-webgl]
 */

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setupBackend } from '@simclr/core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@simclr/test-utils/node';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { measureValueChecks, type ValueCheckRates } from './value-checks-step.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '6' },
    'no-webgl': { type: 'boolean', default: false },
    'no-node': { type: 'boolean', default: false },
  },
});
const batch = Number(values.batch);
const rounds = Number(values.rounds);

async function inChromium(): Promise<ValueCheckRates> {
  const root = resolve(import.meta.dirname, 'browser');
  const outDir = join(root, 'dist');
  await build({
    root,
    logLevel: 'error',
    resolve: { conditions: ['source'] },
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.wasm': 'application/wasm',
  };
  const server = createServer(async (req, res) => {
    const path = join(outDir, new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html'));
    try {
      const body = await readFile(path);
      res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?batch=${batch}&rounds=${rounds}`, {
      waitUntil: 'commit',
      timeout: 5 * 60_000,
    });
    await page.waitForFunction(() => 'result' in window || 'failure' in window, undefined, {
      timeout: 30 * 60_000,
      polling: 1000,
    });
    const { result, failure } = await page.evaluate(() => {
      const w = window as unknown as { result?: ValueCheckRates; failure?: string };
      return { result: w.result, failure: w.failure };
    });
    if (failure !== undefined) throw new Error(`in Chromium: ${failure}`);
    return result!;
  } finally {
    await browser.close();
    server.close();
  }
}

const rows: ValueCheckRates[] = [];
for (const backend of values['no-node'] ? [] : (['wasm', 'cpu'] as const)) {
  await setupBackend(backend);
  rows.push(await measureValueChecks(batch, rounds));
}
if (!values['no-webgl']) rows.push(await inChromium());

console.log(`small CNN + head, batch ${batch}, ${rounds} alternating rounds; median step`);
console.log('backend   checked (8 reads)   one read    speed-up');
for (const r of rows) {
  const a = r.medianMs.checked;
  const b = r.medianMs['one read'];
  console.log(
    `${r.backend.padEnd(9)} ${`${a.toFixed(1)} ms (${(1000 / a).toFixed(2)}/s)`.padEnd(19)} ${`${b.toFixed(1)} ms (${(1000 / b).toFixed(2)}/s)`.padEnd(11)} ${(a / b).toFixed(2)}×`,
  );
}

import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const PRETRAIN = [
  'pretrain',
  '--dataset=synthetic',
  '--limit=64',
  '--image-size=16',
  '--batch-size=16',
  '--epochs=2',
  '--backend=cpu',
  '--checkpoint-every=2',
];

/** Whether this process may mount a small tmpfs (root on Linux with the capability): the real faults. */
function canMount(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function listAll(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).sort();
  } catch {
    return [];
  }
}

describe('simclr pretrain and eval under filesystem faults', () => {
  let tmp = '';
  let run = '';
  let mountable = false;
  const mounted: string[] = [];
  const mount = async (dir: string, options: string) => {
    await mkdir(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
    mounted.push(dir);
  };
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'simclr-fs-'));
    run = join(tmp, 'run');
    const r = await runCli(...PRETRAIN, `--out=${run}`, '--quiet');
    expect(r.code, r.err).toBe(0);
    await mkdir(join(tmp, 'probe'));
    mountable = process.platform === 'linux' && canMount(join(tmp, 'probe'));
  });
  afterAll(async () => {
    for (const dir of mounted.reverse()) execFileSync('umount', [dir], { stdio: 'ignore' });
    await rm(tmp, { recursive: true, force: true });
  });

  it('--out under a regular file: a clear error before any work, nothing written', async () => {
    const file = join(tmp, 'a-file');
    await writeFile(file, 'not a directory');
    const r = await runCli(...PRETRAIN, `--out=${join(file, 'run')}`, '--quiet');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `simclr pretrain: --out ${join(file, 'run')} cannot be written: ${file} is a file, not a directory\n`,
    );
    expect(await readFile(file, 'utf8')).toBe('not a directory');
  });

  it('eval falls back to the newest intact checkpoint, with a warning, when the final model is truncated', async () => {
    const copy = join(tmp, 'truncated');
    await cp(run, copy, { recursive: true });
    await truncate(join(copy, 'model', 'weights.bin'), 100);
    const r = await runCli('eval', 'knn', '--checkpoint', copy, '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(
      /warning: .*truncated\/model is damaged \(checkpoint file .*weights\.bin must hold \d+ bytes, found 100\); using the newest intact checkpoint instead/,
    );
    const record = JSON.parse(r.out) as { model: { from: string; step: number } };
    expect(record.model).toMatchObject({ from: 'checkpoint', step: 8 });
  });

  it.runIf(process.platform === 'linux')(
    'a full disk while checkpointing: the error names the checkpoint and ENOSPC; the earlier checkpoints stay',
    async () => {
      if (!mountable) return;
      const disk = join(tmp, 'full');
      // Room for two checkpoints of this model (and the run's small files), not for the third.
      const first = (await readdir(join(run, 'checkpoints')))[0]!;
      const du = execFileSync('du', ['-sb', join(run, 'checkpoints', first)], { encoding: 'utf8' });
      const bytes = Number(du.split('\t')[0]);
      await mount(disk, `size=${Math.ceil((2.5 * bytes + 64 * 1024) / 4096) * 4096}`);
      const out = join(disk, 'run');
      const r = await runCli(...PRETRAIN, '--epochs=50', `--out=${out}`, '--quiet');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /^simclr pretrain: cannot write .*\/checkpoints\/ckpt-\d{9}: no space is left on the device \(ENOSPC\)\n$/,
      );
      const left = await readdir(join(out, 'checkpoints'));
      // No half-written temporary directory, and what was saved before verifies.
      expect(left.every((n) => /^ckpt-\d{9}$/.test(n))).toBe(true);
      const again = await runCli('eval', 'knn', '--checkpoint', out, '--json', '--quiet');
      expect(again.code, again.err).toBe(0);
    },
  );

  it.runIf(process.platform === 'linux')(
    'a read-only run directory: pretrain refuses before any work; eval prints its results and says it cannot write them',
    async () => {
      if (!mountable) return;
      const ro = join(tmp, 'ro');
      await mount(ro, 'size=8m');
      await cp(run, join(ro, 'run'), { recursive: true });
      execFileSync('mount', ['-o', 'remount,ro', ro]);
      const before = await listAll(ro);
      const p = await runCli(...PRETRAIN, '--epochs=3', `--out=${join(ro, 'run')}`, '--quiet');
      expect(p.code).toBe(1);
      expect(p.err).toBe(
        `simclr pretrain: cannot write --out ${join(ro, 'run')}: the file system is read-only (EROFS)\n`,
      );
      const e = await runCli('eval', 'knn', '--checkpoint', join(ro, 'run'));
      expect(e.code, e.err).toBe(0);
      expect(e.err).toContain(
        'the file system is read-only (EROFS); the results will be printed, not written',
      );
      expect(e.out).toMatch(/top-1/);
      expect(e.out).toContain('nothing (the directory cannot be written)');
      const withReport = await runCli('eval', 'knn', '--checkpoint', join(ro, 'run'), '--report');
      expect(withReport.code).toBe(1);
      expect(withReport.err).toContain('read-only (EROFS)');
      expect(await listAll(ro)).toEqual(before);
    },
  );
});

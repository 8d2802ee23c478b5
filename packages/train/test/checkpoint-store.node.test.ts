import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimclrError } from '@simclr/core';
import { CheckpointStore, readDirVerified, writeDirAtomic } from '@simclr/train/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'simclr-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeDirAtomic / readDirVerified', () => {
  it('round-trips files, including a sub-folder', async () => {
    const target = join(dir, 'a');
    await writeDirAtomic(target, { 'state.json': '{"step":3}', 'model/weights.bin': Uint8Array.of(1, 2, 3) });
    const files = await readDirVerified(target);
    expect(new TextDecoder().decode(files.get('state.json'))).toBe('{"step":3}');
    expect([...files.get('model/weights.bin')!]).toEqual([1, 2, 3]);
    expect((await readdir(dir)).sort()).toEqual(['a']);
  });

  it('names the file and the mismatch when a file is truncated or altered', async () => {
    const target = join(dir, 'b');
    await writeDirAtomic(target, { 'weights.bin': new Uint8Array(100).fill(7) });
    await writeFile(join(target, 'weights.bin'), new Uint8Array(60));
    await expect(readDirVerified(target)).rejects.toThrow(
      `checkpoint file ${join(target, 'weights.bin')} must hold 100 bytes, found 60`,
    );
    await writeFile(join(target, 'weights.bin'), new Uint8Array(100));
    await expect(readDirVerified(target)).rejects.toThrow(
      /must have SHA-256 [0-9a-f]{64}, found [0-9a-f]{64}/,
    );
    await rm(join(target, 'manifest.json'));
    await expect(readDirVerified(target)).rejects.toThrow(SimclrError);
  });

  it('leaves nothing behind when writing fails', async () => {
    await expect(writeDirAtomic(join(dir, 'c'), { '../escape': 'x' })).rejects.toThrow(SimclrError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('CheckpointStore', () => {
  it('keeps the newest K and lists newest first', async () => {
    const store = new CheckpointStore(dir, { keepLast: 2 });
    for (const step of [10, 20, 30]) await store.save(step, { 'state.json': JSON.stringify({ step }) });
    expect((await store.list()).map((c) => c.step)).toEqual([30, 20]);
    expect(await readdir(dir)).toEqual(['ckpt-000000020', 'ckpt-000000030']);
  });

  it('resumes from the newest valid checkpoint, skipping a corrupt one with a warning', async () => {
    const store = new CheckpointStore(dir, { keepLast: 3 });
    await store.save(5, { 'state.json': '{"step":5}' });
    await store.save(6, { 'state.json': '{"step":6}' });
    await writeFile(join(store.pathOf(6), 'state.json'), '{"step":666}');
    const warnings: string[] = [];
    const latest = await store.latestValid((m) => warnings.push(m));
    expect(latest?.step).toBe(5);
    expect(new TextDecoder().decode(latest!.files.get('state.json'))).toBe('{"step":5}');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('skipping corrupt checkpoint');
    expect(warnings[0]).toContain('ckpt-000000006');
  });

  it('returns null for an empty or missing directory and clears stale temporaries', async () => {
    expect(await new CheckpointStore(join(dir, 'none')).latestValid()).toBeNull();
    await writeFile(join(dir, 'ckpt-000000001.tmp-123-deadbeef'), 'partial');
    const store = new CheckpointStore(dir);
    await store.save(2, { 'x.txt': 'y' });
    expect(await readdir(dir)).toEqual(['ckpt-000000002']);
    expect(await readFile(join(dir, 'ckpt-000000002', 'x.txt'), 'utf8')).toBe('y');
  });

  it('rejects bad options', () => {
    expect(() => new CheckpointStore(dir, { keepLast: 0 })).toThrow(
      'keepLast must be an integer >= 1, got 0',
    );
  });
});

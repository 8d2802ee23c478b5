import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { assertNumber, SimclrError } from '@simclr/core';
import { ioError } from '@simclr/core/node';
import { noIntactCheckpoint } from '../checkpoint-sink.js';
import { readDirVerified, removeStaleTemporaries, writeDirAtomic } from './atomic-dir.js';

const PREFIX = 'ckpt-';
const NAME = /^ckpt-(\d{9})$/;

/** One checkpoint directory found on disk. */
export interface CheckpointEntry {
  step: number;
  path: string;
}

/** Options of {@link CheckpointStore}. */
export interface CheckpointStoreOptions {
  /** How many of the newest checkpoints to keep; older ones are deleted after each save. Default 3. */
  keepLast?: number;
}

/**
 * A directory of step-numbered checkpoints (`ckpt-000000120/`, …), each written atomically with a
 * verified manifest, the newest `keepLast` kept.
 */
export class CheckpointStore {
  readonly dir: string;
  readonly keepLast: number;

  constructor(dir: string, options: CheckpointStoreOptions = {}) {
    const { keepLast = 3 } = options;
    assertNumber(keepLast, 'keepLast', { min: 1, integer: true });
    this.dir = dir;
    this.keepLast = keepLast;
  }

  /** The path of the checkpoint of `step`. */
  pathOf(step: number): string {
    return join(this.dir, `${PREFIX}${String(step).padStart(9, '0')}`);
  }

  /** Writes the checkpoint of `step` atomically, then deletes all but the newest `keepLast`. */
  async save(step: number, files: Record<string, Uint8Array | string>): Promise<string> {
    assertNumber(step, 'step', { min: 0, max: 999_999_999, integer: true });
    await removeStaleTemporaries(this.dir);
    const path = this.pathOf(step);
    await writeDirAtomic(path, files);
    const all = await this.list();
    await Promise.all(
      all.slice(this.keepLast).map((c) =>
        rm(c.path, { recursive: true, force: true }).catch((err: unknown) => {
          throw ioError(err, 'remove the old checkpoint', c.path);
        }),
      ),
    );
    return path;
  }

  /** Removes every checkpoint (and the directory). */
  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true }).catch((err: unknown) => {
      throw ioError(err, 'remove the checkpoints in', this.dir);
    });
  }

  /** Checkpoints on disk, newest first (not verified). */
  async list(): Promise<CheckpointEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    return names
      .map((n) => NAME.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ step: Number(m[1]), path: join(this.dir, m[0]) }))
      .sort((a, b) => b.step - a.step);
  }

  /**
   * The newest checkpoint whose files all match its manifest, with its files; corrupt ones are skipped
   * and reported through `onWarning`. Null when there is no checkpoint; a `SimclrError` listing them
   * when there are some but none is intact.
   */
  async latestValid(
    onWarning: (message: string) => void = (m) => console.warn(m),
  ): Promise<(CheckpointEntry & { files: Map<string, Uint8Array> }) | null> {
    const problems: string[] = [];
    for (const entry of await this.list()) {
      try {
        const found = { ...entry, files: await readDirVerified(entry.path) };
        for (const p of problems) onWarning(`skipping corrupt checkpoint ${p}`);
        return found;
      } catch (err) {
        if (!SimclrError.is(err)) throw err;
        problems.push(`${entry.path}: ${err.message}`);
      }
    }
    if (problems.length > 0) throw noIntactCheckpoint(this.dir, problems);
    return null;
  }
}

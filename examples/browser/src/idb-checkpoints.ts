import { type CheckpointFiles, type CheckpointSink, noIntactCheckpoint } from '@simclr/train';

const STORE = 'checkpoints';

interface StoredFile {
  bytes: Uint8Array;
  sha256: string;
}

/** One checkpoint as an IndexedDB record: every file with the SHA-256 it had when it was written. */
interface StoredCheckpoint {
  step: number;
  files: Record<string, StoredFile>;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Options of {@link IndexedDbCheckpoints}. */
export interface IndexedDbCheckpointsOptions {
  /** How many of the newest checkpoints to keep. Default 2. */
  keepLast?: number;
}

/**
 * `pretrain`'s `CheckpointSink` on IndexedDB, the browser's counterpart of `CheckpointStore` from
 * `@simclr/train/node`. A checkpoint is one record written in one transaction together with the removal
 * of the oldest ones, so the store never holds half a checkpoint; each file's SHA-256 is kept beside it
 * and checked on reading, and a record that fails the check is skipped with a warning.
 */
export class IndexedDbCheckpoints implements CheckpointSink {
  readonly name: string;
  readonly keepLast: number;
  #db: Promise<IDBDatabase> | undefined;

  /** `name` is the IndexedDB database that holds the checkpoints of one run. */
  constructor(name: string, options: IndexedDbCheckpointsOptions = {}) {
    const { keepLast = 2 } = options;
    if (!Number.isInteger(keepLast) || keepLast < 1) {
      throw new RangeError(`keepLast must be a positive integer, got ${keepLast}`);
    }
    this.name = name;
    this.keepLast = keepLast;
  }

  async save(step: number, files: CheckpointFiles): Promise<void> {
    const record: StoredCheckpoint = { step, files: {} };
    for (const [name, content] of Object.entries(files)) {
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      record.files[name] = { bytes, sha256: await sha256(bytes) };
    }
    const tx = (await this.#open()).transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    store.put(record);
    const steps = (await request(store.getAllKeys())) as number[];
    for (const old of steps.sort((a, b) => b - a).slice(this.keepLast)) store.delete(old);
    await done(tx);
  }

  async latestValid(
    onWarning: (message: string) => void = console.warn,
  ): Promise<{ step: number; files: Map<string, Uint8Array> } | null> {
    const tx = (await this.#open()).transaction(STORE, 'readonly');
    const records = (await request(tx.objectStore(STORE).getAll())) as StoredCheckpoint[];
    const problems: string[] = [];
    for (const record of records.sort((a, b) => b.step - a.step)) {
      const files = new Map<string, Uint8Array>();
      let problem: string | null = null;
      for (const [name, file] of Object.entries(record.files)) {
        if ((await sha256(file.bytes)) !== file.sha256) {
          problem = `file ${name} does not match its SHA-256`;
          break;
        }
        files.set(name, file.bytes);
      }
      if (problem === null) {
        for (const p of problems) onWarning(`skipping checkpoint ${p}`);
        return { step: record.step, files };
      }
      problems.push(`${record.step}: ${problem}`);
    }
    if (problems.length > 0) throw noIntactCheckpoint(`IndexedDB '${this.name}'`, problems);
    return null;
  }

  /** Removes every checkpoint, before a fresh run. */
  async clear(): Promise<void> {
    const tx = (await this.#open()).transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await done(tx);
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(this.name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'step' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return this.#db;
  }
}

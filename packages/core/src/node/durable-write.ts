import { open } from 'node:fs/promises';

/** Writes `data` to `path` and flushes it to the device before returning (fsync). */
export async function writeFileDurable(path: string, data: Uint8Array | string): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * Flushes a directory's entries (a rename into it, a new file in it) to the device. Some file systems
 * refuse to fsync a directory; that only weakens durability against power loss, never correctness,
 * so it is not an error.
 */
export async function syncDirectory(path: string): Promise<void> {
  try {
    const dir = await open(path, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Not supported by this file system.
  }
}

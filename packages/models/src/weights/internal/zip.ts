import { SimclrError } from '@simclr/core';
import { inflateSync } from 'fflate';
import { crc32 } from './crc32.js';

/**
 * A reader of zip archives held in memory, enough for the archives that `torch.save` writes (stored
 * entries, aligned by padding in the local headers' extra fields) and for re-packed copies of them
 * (deflated entries, ZIP64 records). It reads the central directory, checks every entry's bounds and,
 * when the entry is read, its CRC-32.
 */

/** One file of the archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** Whether `bytes` starts like a zip archive (a local file header, or the end record of an empty one). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) return false;
  return (bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6);
}

function corrupt(who: string, message: string): SimclrError {
  return new SimclrError(`${who}: the zip archive ${message}`, { code: 'corrupt' });
}

function u64(view: DataView, at: number, who: string): number {
  const value = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  if (!Number.isSafeInteger(value))
    throw corrupt(who, `holds a 64-bit size or offset beyond 2^53 at byte ${at}`);
  return value;
}

/** The entries of the archive by name, in the order of its central directory. */
export function readZipDirectory(bytes: Uint8Array, who: string): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.length;
  let end = -1;
  for (let i = length - 22; i >= 0 && i >= length - 22 - U16_MAX; i--) {
    if (view.getUint32(i, true) === END_OF_DIRECTORY && view.getUint16(i + 20, true) === length - i - 22) {
      end = i;
      break;
    }
  }
  if (end < 0)
    throw corrupt(who, 'has no end-of-central-directory record (the file is cut short or not a zip archive)');
  let count = view.getUint16(end + 10, true);
  let directorySize = view.getUint32(end + 12, true);
  let directoryOffset = view.getUint32(end + 16, true);
  if (count === U16_MAX || directorySize === U32_MAX || directoryOffset === U32_MAX) {
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) {
      throw corrupt(who, 'needs a ZIP64 end record, but has no ZIP64 locator');
    }
    const record = u64(view, locator + 8, who);
    if (record + 56 > length || view.getUint32(record, true) !== ZIP64_END_OF_DIRECTORY) {
      throw corrupt(who, `has no ZIP64 end record at byte ${record}`);
    }
    count = u64(view, record + 32, who);
    directorySize = u64(view, record + 40, who);
    directoryOffset = u64(view, record + 48, who);
  }
  if (directoryOffset + directorySize > length) {
    throw corrupt(
      who,
      `central directory (bytes ${directoryOffset}..${directoryOffset + directorySize}) lies beyond the file's ${length} bytes`,
    );
  }
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  let p = directoryOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > directoryOffset + directorySize || view.getUint32(p, true) !== CENTRAL_HEADER) {
      throw corrupt(who, `central directory is damaged at entry ${n} (byte ${p})`);
    }
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > directoryOffset + directorySize)
      throw corrupt(who, `central directory entry ${n} runs past the directory`);
    const entry: ZipEntry = {
      name: decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength)),
      flags: view.getUint16(p + 8, true),
      method: view.getUint16(p + 10, true),
      crc32: view.getUint32(p + 16, true),
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      localHeaderOffset: view.getUint32(p + 42, true),
    };
    // ZIP64 extra field: the 64-bit values of those fields that hold 0xFFFFFFFF, in this order.
    for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength; ) {
      const id = view.getUint16(e, true);
      const size = view.getUint16(e + 2, true);
      if (id === 1) {
        let f = e + 4;
        for (const field of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
          if (entry[field] === U32_MAX && f + 8 <= e + 4 + size) {
            entry[field] = u64(view, f, who);
            f += 8;
          }
        }
      }
      e += 4 + size;
    }
    if (!entries.has(entry.name)) entries.set(entry.name, entry);
    p = next;
  }
  return entries;
}

/**
 * The bytes of one entry: a view into `bytes` for a stored entry, new bytes for a deflated one. Checks
 * the local header, the bounds and the CRC-32.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, who: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_HEADER) {
    throw corrupt(who, `entry ${entry.name} has no local header at byte ${at}`);
  }
  if (entry.flags & 1) throw corrupt(who, `entry ${entry.name} is encrypted`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) {
    throw corrupt(
      who,
      `entry ${entry.name} ends at byte ${end}, past the end of the ${bytes.length}-byte file (it is cut short)`,
    );
  }
  const raw = bytes.subarray(start, end);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.size !== entry.compressedSize) {
      throw corrupt(
        who,
        `entry ${entry.name} is stored but its sizes differ (${entry.compressedSize} and ${entry.size})`,
      );
    }
    data = raw;
  } else if (entry.method === 8) {
    try {
      data = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (error) {
      throw new SimclrError(
        `${who}: the zip archive's entry ${entry.name} does not inflate: ${(error as Error).message}`,
        {
          code: 'corrupt',
          cause: error,
        },
      );
    }
    if (data.length !== entry.size) {
      throw corrupt(
        who,
        `entry ${entry.name} inflates to ${data.length} bytes, not the ${entry.size} its header says`,
      );
    }
  } else {
    throw corrupt(
      who,
      `entry ${entry.name} uses compression method ${entry.method}; only stored (0) and deflated (8) entries are read`,
    );
  }
  if (crc32(data) !== entry.crc32) throw corrupt(who, `entry ${entry.name} fails its CRC-32 check`);
  return data;
}

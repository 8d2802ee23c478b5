import { mkdir, mkdtemp, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { assertNumber, assertOneOf, describeValue, SimclrError } from '@simclr/core';
import { fetchToFile } from './fetch-to-file.js';
import { type DownloadableDataset, REMOTE_FILES, type RemoteFile } from './remote-files.js';
import { extractTarGz } from './tar.js';

/** Progress of one file, reported by {@link download} as bytes arrive. */
export interface DownloadProgress {
  dataset: DownloadableDataset;
  fileName: string;
  url: string;
  receivedBytes: number;
  /** The size announced by the server, or the expected size when it announces none. */
  totalBytes: number;
}

/** Options of {@link download}. */
export interface DownloadOptions {
  /** The cache folder; the dataset ends up in `<cacheDir>/<name>`. Required. */
  cacheDir: string;
  /**
   * A base URL to fetch every file from instead of the publishers' (the file name is appended), e.g.
   * an internal mirror. Default: the publishers' URLs.
   */
  mirror?: string;
  /** The files to fetch, with their checksums, in place of the built-in list. Default: `REMOTE_FILES[name]`. */
  files?: readonly RemoteFile[];
  /** Redirects followed per request. Default 5. */
  maxRedirects?: number;
  /** Longest silence, in ms, while connecting or receiving before a URL counts as failed. Default 60000. */
  timeoutMs?: number;
  /** Called as bytes arrive. Default: none. */
  onProgress?: (progress: DownloadProgress) => void;
}

const NAMES = Object.keys(REMOTE_FILES) as DownloadableDataset[];

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function urlsOf(file: RemoteFile, mirror: string | undefined): string[] {
  if (mirror === undefined) return [...file.urls];
  return [new URL(file.fileName, mirror.endsWith('/') ? mirror : `${mirror}/`).href];
}

/** Fetches one file into `folder`, trying its URLs in turn; only verified bytes get the final name. */
async function fetchVerified(
  name: DownloadableDataset,
  file: RemoteFile,
  folder: string,
  options: DownloadOptions & { maxRedirects: number; timeoutMs: number },
): Promise<string> {
  const { mirror, maxRedirects, timeoutMs, onProgress } = options;
  const part = join(folder, `${file.fileName}.part`);
  const failures: string[] = [];
  for (const url of urlsOf(file, mirror)) {
    try {
      const got = await fetchToFile(url, part, {
        maxRedirects,
        timeoutMs,
        ...(onProgress !== undefined && {
          onData: (receivedBytes: number, total: number | undefined) =>
            onProgress({
              dataset: name,
              fileName: file.fileName,
              url,
              receivedBytes,
              totalBytes: total ?? file.size,
            }),
        }),
      });
      if (got.sha256 !== file.sha256 || got.bytes !== file.size) {
        failures.push(
          `${got.url}: expected SHA-256 ${file.sha256} (${file.size} bytes), found ${got.sha256} (${got.bytes} bytes); the file was discarded`,
        );
        await unlink(part);
        continue;
      }
      const done = join(folder, file.fileName);
      await rename(part, done);
      return done;
    } catch (err) {
      await rm(part, { force: true });
      failures.push(`${url}: ${(err as Error).message}`);
    }
  }
  throw new SimclrError(`could not download ${file.fileName} for ${name}: ${failures.join('; ')}`);
}

/**
 * Downloads a dataset into `<cacheDir>/<name>` and returns that folder, which the loader of the same
 * name takes as its `dir`. Every file is checked against its SHA-256 before it counts; archives are
 * unpacked. Everything happens in a temporary folder inside `cacheDir` that is renamed into place at
 * the end and removed on failure, so the cache holds a complete dataset or nothing. When the folder
 * exists already, it is returned without touching the network.
 */
export async function download(name: DownloadableDataset, options: DownloadOptions): Promise<string> {
  assertOneOf(name, NAMES, 'name');
  if (
    typeof options !== 'object' ||
    options === null ||
    typeof options.cacheDir !== 'string' ||
    options.cacheDir === ''
  ) {
    throw new SimclrError(`cacheDir must be the path of a folder, got ${describeValue(options?.cacheDir)}`);
  }
  const { cacheDir, maxRedirects = 5, timeoutMs = 60_000, files = REMOTE_FILES[name] } = options;
  assertNumber(maxRedirects, 'maxRedirects', { min: 0, integer: true });
  assertNumber(timeoutMs, 'timeoutMs', { min: 1 });
  for (const file of files) {
    if (
      typeof file?.fileName !== 'string' ||
      !/^[\w.-]+$/.test(file.fileName) ||
      file.fileName.startsWith('.')
    ) {
      throw new SimclrError(
        `files must name each file with a plain file name (letters, digits, '.', '_', '-'), got ${describeValue(file?.fileName)}`,
      );
    }
  }
  const target = join(cacheDir, name);
  if (await isDir(target)) return target;

  await mkdir(cacheDir, { recursive: true });
  // Inside cacheDir so the final rename stays on one filesystem; the dot keeps it out of listings.
  const staging = await mkdtemp(join(cacheDir, `.${name}-`));
  try {
    for (const file of files) {
      const path = await fetchVerified(name, file, staging, { ...options, maxRedirects, timeoutMs });
      if (file.archive === 'tar.gz') {
        await extractTarGz(path, staging);
        await unlink(path);
      }
    }
    try {
      await rename(staging, target);
    } catch (err) {
      // Another process finished the same dataset first; its copy is as good as ours.
      if (!(await isDir(target))) throw err;
      await rm(staging, { recursive: true, force: true });
    }
    return target;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

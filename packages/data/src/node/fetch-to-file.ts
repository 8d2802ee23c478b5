import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Options of {@link fetchToFile}. */
export interface FetchToFileOptions {
  /** Redirects followed before giving up. */
  maxRedirects: number;
  /** Longest silence, in ms, while connecting or receiving. */
  timeoutMs: number;
  /** Called as bytes arrive, with the running count and the announced total (if any). */
  onData?: (received: number, total: number | undefined) => void;
}

/** What arrived: the byte count and its SHA-256. */
export interface Fetched {
  bytes: number;
  sha256: string;
  /** The URL that answered, after redirects. */
  url: string;
}

function get(url: URL, timeoutMs: number): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (client === undefined) return Promise.reject(new Error(`unsupported protocol ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const req = client.get(url, { timeout: timeoutMs }, resolve);
    req.on('timeout', () => req.destroy(new Error(`no data for ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/**
 * Streams `url` into the file `dest` while hashing it, following up to `maxRedirects` redirects. Throws
 * a plain `Error` whose message says what went wrong (HTTP status, network error, early end); the
 * caller names the dataset and removes `dest`.
 */
export async function fetchToFile(url: string, dest: string, options: FetchToFileOptions): Promise<Fetched> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const res = await get(current, options.timeoutMs);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location !== undefined) {
      res.resume();
      if (hop >= options.maxRedirects) throw new Error(`more than ${options.maxRedirects} redirects`);
      current = new URL(location, current);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new Error(`${current.href} answered HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd());
    }
    const announced = res.headers['content-length'];
    const total = announced === undefined ? undefined : Number(announced);
    const hash = createHash('sha256');
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        bytes += chunk.length;
        options.onData?.(bytes, total);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(res, count, createWriteStream(dest));
    } catch (err) {
      throw new Error(
        `the transfer from ${current.href} broke off after ${bytes}${total === undefined ? '' : ` of ${total}`} bytes (${(err as Error).message})`,
      );
    }
    if (!res.complete || (total !== undefined && bytes !== total)) {
      throw new Error(
        `the transfer from ${current.href} ended after ${bytes}${total === undefined ? '' : ` of ${total}`} bytes`,
      );
    }
    return { bytes, sha256: hash.digest('hex'), url: current.href };
  }
}

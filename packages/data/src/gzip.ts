import { SimclrError } from '@simclr/core';

/** True when `bytes` start with the gzip magic number, whatever the file is called. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses gzip data with the web platform's `DecompressionStream`; `file` names it in errors. */
export async function gunzipWeb(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    throw new SimclrError(
      `${file}: expected gzip data, found a truncated or corrupt stream (${(err as Error).message})`,
      { cause: err },
    );
  }
}

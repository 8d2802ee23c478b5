import { SimclrError } from '@simclr/core';

/** Fetches `url` and returns the body; a network failure or a non-2xx status becomes a `SimclrError`. */
export async function fetchBytes(url: string, fetchFn: typeof fetch = globalThis.fetch): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (err) {
    throw new SimclrError(`${url}: could not fetch (${(err as Error).message})`, { cause: err });
  }
  if (!res.ok) throw new SimclrError(`${url}: expected HTTP 200, found HTTP ${res.status} ${res.statusText}`);
  try {
    return new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    throw new SimclrError(`${url}: the transfer broke off (${(err as Error).message})`, { cause: err });
  }
}

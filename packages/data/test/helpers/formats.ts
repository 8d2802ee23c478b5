// Writers for the on-disk formats, so each loader is tested on files made the way the publishers made
// theirs. Images are given as NHWC uint8, the layout the loaders must produce.

/** An IDX file of unsigned bytes; `magic` can be overridden to make a bad file. */
export function idxFile(dims: readonly number[], data: Uint8Array, magic = 0x800 + dims.length): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** CIFAR binary records: label bytes, then the R, G and B 32×32 planes, each row-major. */
export function cifarRecords(images: Uint8Array, labels: readonly (readonly number[])[]): Uint8Array {
  const n = labels.length;
  const labelBytes = labels[0]!.length;
  const record = labelBytes + 3072;
  const out = new Uint8Array(n * record);
  for (let i = 0; i < n; i++) {
    const base = i * record;
    labels[i]!.forEach((l, j) => {
      out[base + j] = l;
    });
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        for (let c = 0; c < 3; c++) {
          out[base + labelBytes + c * 1024 + y * 32 + x] = images[i * 3072 + (y * 32 + x) * 3 + c]!;
        }
      }
    }
  }
  return out;
}

/** STL-10 binary images: per image, channel by channel, each channel column by column. */
export function stl10Images(images: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n * 27648);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      for (let x = 0; x < 96; x++) {
        for (let y = 0; y < 96; y++) {
          out[i * 27648 + c * 9216 + x * 96 + y] = images[i * 27648 + (y * 96 + x) * 3 + c]!;
        }
      }
    }
  }
  return out;
}

/** Deterministic pseudo-random bytes (a 32-bit LCG), so fixtures need no stored files. */
export function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** The expected float values of NHWC uint8 images: `v / 255` in float32. */
export function toUnit(bytes: Uint8Array): Float32Array {
  return Float32Array.from(bytes, (v) => v / 255);
}

/** A ustar archive of regular files, as `tar` writes it. */
export function tarArchive(entries: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const { name, data } of entries) {
    const h = new Uint8Array(512);
    const put = (text: string, at: number) => h.set(enc.encode(text), at);
    put(name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    put('14540000000\0', 136);
    put('        ', 148);
    put('0', 156);
    put('ustar\0', 257);
    put('00', 263);
    const sum = h.reduce((a, b) => a + b, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return concatBytes(blocks);
}

/** The parts one after another. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** CRC-32 (IEEE) of PNG chunks. */
function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A PNG chunk: length, type, data, CRC. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(4 + data.length);
  body.set([...type].map((c) => c.charCodeAt(0)));
  body.set(data, 4);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(body, 4);
  view.setUint32(8 + data.length, crc32(body));
  return out;
}

/** A valid PNG of the given size whose pixel data is a few bytes: a header to probe, not to decode. */
export function pngHeader(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Uint8Array.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', new Uint8Array()),
  ];
  return concatBytes(parts);
}

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
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let off = 0;
  for (const b of blocks) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}

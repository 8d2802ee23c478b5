/**
 * The 16-bit float formats of PyTorch weights, decoded exactly to float32 (every float16 and bfloat16
 * value is a float32 value, so nothing is rounded).
 */

const FLOAT16_TABLE_SIZE = 1 << 16;
let float16Table: Float32Array | undefined;

/** The float32 value of the IEEE 754 binary16 number with these bits. */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** float16 bits to float32 values, through a 65536-entry table built on first use. */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  if (float16Table === undefined) {
    float16Table = new Float32Array(FLOAT16_TABLE_SIZE);
    for (let b = 0; b < FLOAT16_TABLE_SIZE; b++) float16Table[b] = float16BitsToNumber(b);
  }
  const table = float16Table;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** bfloat16 bits to float32 values: a bfloat16 is the upper half of a float32. */
export function decodeBfloat16(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i]! << 16;
  return new Float32Array(words.buffer);
}

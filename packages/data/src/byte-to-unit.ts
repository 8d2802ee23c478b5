/**
 * `v / 255` as float32 for every byte value. Decoders convert pixels through this table so that each
 * value costs one lookup and every loader gives bit-identical floats for the same byte.
 */
export const BYTE_TO_UNIT: Float32Array = Float32Array.from({ length: 256 }, (_, v) => v / 255);

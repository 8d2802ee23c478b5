import { createRng } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '../../test-utils/src/index.js';

/** Random slices of ranks 1 to 5, some spanning trailing axes whole, some empty, of three dtypes. */
function cases() {
  const rng = createRng(21);
  return Array.from({ length: 40 }, (_, i) => {
    const rank = 1 + (i % 5);
    const shape = Array.from({ length: rank }, () => 1 + rng.int(6));
    const begin = shape.map((d) => rng.int(d));
    const size = shape.map((d, a) => (rng.bernoulli(0.4) ? -1 : rng.int(d - begin[a]! + 1)));
    const dtype = (['float32', 'int32', 'bool'] as const)[i % 3]!;
    return { shape, begin, size, dtype };
  });
}

describeBackends('Slice', ['wasm', 'cpu'], () => {
  it('takes the same elements as an index-by-index reference', () => {
    for (const { shape, begin, size, dtype } of cases()) {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, k) => (dtype === 'bool' ? k % 3 === 0 : k * 7 - 50));
      const x = tf.tensor(values as number[], shape, dtype);
      const y = tf.slice(x, begin, size);
      const extent = size.map((s, a) => (s === -1 ? shape[a]! - begin[a]! : s));
      expect(y.shape).toEqual(extent);
      const expected: number[] = [];
      const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, d) => p * d, 1));
      const total = extent.reduce((a, b) => a * b, 1);
      for (let k = 0; k < total; k++) {
        let rest = k;
        let flat = 0;
        for (let a = extent.length - 1; a >= 0; a--) {
          flat += (begin[a]! + (rest % extent[a]!)) * strides[a]!;
          rest = Math.floor(rest / extent[a]!);
        }
        expected.push(Number(values[flat]));
      }
      expect(
        Array.from(y.dataSync(), Number),
        `slice ${JSON.stringify({ shape, begin, size, dtype })}`,
      ).toEqual(expected);
      tf.dispose([x, y]);
    }
  });
});

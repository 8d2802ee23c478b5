import * as tf from '@tensorflow/tfjs-core';
import fixture from '../fixtures/linear.json' with { type: 'json' };

export { fixture };

/** The float32 features scikit-learn saw: int8 codes times each dimension's float32 scale. */
function decode(codes: string, scale: readonly number[]): Float32Array {
  const bytes = Int8Array.from(atob(codes), (ch) => (ch.charCodeAt(0) << 24) >> 24);
  return Float32Array.from(bytes, (q, i) => q * scale[i % scale.length]!);
}

/** The fixture's training and test features as tensors (the caller disposes them). */
export function fixtureFeatures(): { train: tf.Tensor2D; test: tf.Tensor2D } {
  const { dims, scale } = fixture;
  const train = decode(fixture.train.codes, scale);
  const test = decode(fixture.test.codes, scale);
  return {
    train: tf.tensor2d(train, [train.length / dims, dims]),
    test: tf.tensor2d(test, [test.length / dims, dims]),
  };
}

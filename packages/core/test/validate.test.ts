import {
  assertDtype,
  assertFinite,
  assertImageBatch,
  assertNumber,
  assertOneOf,
  assertProbability,
  assertRange,
  assertRank,
  assertShape,
  assertTensor,
  describeValue,
  SimclrError,
} from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeBackends } from '../../test-utils/src/index.js';

/** Asserts `call` throws a SimclrError with exactly `message`. */
function expectRejection(call: () => void, message: string): void {
  let error: unknown;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SimclrError);
  expect((error as Error).message).toBe(message);
}

describe('describeValue', () => {
  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    ['abc', '"abc"'],
    [Number.NaN, 'NaN'],
    [-2.5, '-2.5'],
    [true, 'true'],
    [[1, [2, 'x']], '[1,[2,"x"]]'],
    [Array.from({ length: 10 }, (_, i) => i), '[0,1,2,3,4,5,6,7,… (10 items)]'],
    [{ a: 1 }, 'an object'],
    [new Map(), 'a Map'],
    [new Float32Array(2), 'a Float32Array'],
    [() => 1, 'function'],
  ])('%s → %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('number and option validators', () => {
  it('assertNumber names the argument, the value and the allowed range', () => {
    expectRejection(() => assertNumber('3', 'lr'), 'lr must be a finite number, got "3"');
    expectRejection(() => assertNumber(Number.NaN, 'lr'), 'lr must be a finite number, got NaN');
    expectRejection(
      () => assertNumber(Number.POSITIVE_INFINITY, 'lr'),
      'lr must be a finite number, got Infinity',
    );
    expectRejection(
      () => assertNumber(0, 'lr', { min: 0, exclusiveMin: true }),
      'lr must be a finite number > 0, got 0',
    );
    expectRejection(
      () => assertNumber(1.5, 'steps', { min: 1, max: 10, integer: true }),
      'steps must be an integer >= 1 and <= 10, got 1.5',
    );
    expectRejection(
      () => assertNumber(11, 'steps', { max: 10 }),
      'steps must be a finite number <= 10, got 11',
    );
    expect(() => assertNumber(1e-9, 'lr', { min: 0, exclusiveMin: true })).not.toThrow();
    expect(() => assertNumber(10, 'steps', { min: 1, max: 10, integer: true })).not.toThrow();
  });

  it('assertProbability allows exactly [0, 1]', () => {
    expect(() => assertProbability(0, 'p')).not.toThrow();
    expect(() => assertProbability(1, 'p')).not.toThrow();
    expectRejection(() => assertProbability(1.01, 'p'), 'p must be a finite number >= 0 and <= 1, got 1.01');
    expectRejection(() => assertProbability(-0.1, 'p'), 'p must be a finite number >= 0 and <= 1, got -0.1');
  });

  it('assertRange checks the pair, its order and the bounds', () => {
    expect(() => assertRange([0.08, 1], 'scale', { min: 0, max: 1 })).not.toThrow();
    expect(() => assertRange([0.5, 0.5], 'scale')).not.toThrow();
    expectRejection(
      () => assertRange([1, 0.08], 'scale', { min: 0, max: 1 }),
      'scale must be a range [lo, hi] with lo <= hi within [0, 1], got [1,0.08]',
    );
    expectRejection(
      () => assertRange([0, 2], 'scale', { min: 0, max: 1 }),
      'scale must be a range [lo, hi] with lo <= hi within [0, 1], got [0,2]',
    );
    expectRejection(() => assertRange([1], 'scale'), 'scale must be a range [lo, hi] with lo <= hi, got [1]');
    expectRejection(() => assertRange(0.5, 'scale'), 'scale must be a range [lo, hi] with lo <= hi, got 0.5');
    expectRejection(
      () => assertRange([0, Number.NaN], 'scale'),
      'scale must be a range [lo, hi] with lo <= hi, got [0,NaN]',
    );
  });

  it('assertOneOf lists the allowed values', () => {
    expect(() => assertOneOf('same', ['same', 'valid'], 'pad')).not.toThrow();
    expectRejection(
      () => assertOneOf('full', ['same', 'valid'], 'pad'),
      'pad must be one of "same", "valid", got "full"',
    );
    expectRejection(() => assertOneOf(3, [1, 2], 'channels'), 'channels must be one of 1, 2, got 3');
  });
});

describeBackends('tensor validators', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it('assertTensor and assertRank say what they got', () => {
    const t = tf.zeros([32, 32, 3]);
    expect(() => assertTensor(t, 'x')).not.toThrow();
    expectRejection(() => assertTensor([1, 2], 'x'), 'x must be a tf.Tensor, got [1,2]');
    expectRejection(() => assertTensor(undefined, 'x'), 'x must be a tf.Tensor, got undefined');
    expectRejection(() => assertRank(t, 4, 'images'), 'images must be a rank-4 tensor, got shape [32,32,3]');
    expectRejection(() => assertRank('x', 4, 'images'), 'images must be a tf.Tensor, got "x"');
    t.dispose();
  });

  it('assertDtype and assertShape name the expected and the actual', () => {
    const t = tf.zeros([8, 128], 'int32');
    expect(() => assertDtype(t, ['int32', 'float32'], 'z')).not.toThrow();
    expectRejection(() => assertDtype(t, 'float32', 'z'), 'z must have dtype float32, got int32');
    expect(() => assertShape(t, [null, 128], 'z')).not.toThrow();
    expectRejection(() => assertShape(t, [null, 64], 'z'), 'z must have shape [*,64], got shape [8,128]');
    expectRejection(() => assertShape(t, [8, 128, 1], 'z'), 'z must have shape [8,128,1], got shape [8,128]');
    t.dispose();
  });

  it('assertFinite finds NaN and infinities', () => {
    const ok = tf.tensor1d([0, -1, 1e30]);
    const nan = tf.tensor1d([0, Number.NaN]);
    const inf = tf.tensor1d([Number.NEGATIVE_INFINITY, 1]);
    expect(() => assertFinite(ok, 'loss')).not.toThrow();
    expectRejection(
      () => assertFinite(nan, 'loss'),
      'loss must be finite, got a tensor that holds NaN or Infinity',
    );
    expectRejection(
      () => assertFinite(inf, 'loss'),
      'loss must be finite, got a tensor that holds NaN or Infinity',
    );
    tf.dispose([ok, nan, inf]);
  });

  it('assertImageBatch accepts NHWC float32 with 1 or 3 channels, and says what is wrong otherwise', () => {
    const good = tf.fill([2, 4, 4, 3], 0.5);
    const gray = tf.zeros([2, 4, 4, 1]);
    expect(() => assertImageBatch(good, 'images', { checkValues: true })).not.toThrow();
    expect(() => assertImageBatch(gray, 'images')).not.toThrow();
    const rank3 = tf.zeros([4, 4, 3]);
    const ints = tf.zeros([2, 4, 4, 3], 'int32');
    const four = tf.zeros([2, 4, 4, 4]);
    const empty = tf.zeros([0, 4, 4, 3]);
    const bright = tf.fill([1, 2, 2, 3], 1.5);
    const nan = tf.fill([1, 2, 2, 1], Number.NaN);
    expectRejection(
      () => assertImageBatch(rank3, 'images'),
      'images must be a rank-4 NHWC tensor, got shape [4,4,3]',
    );
    expectRejection(
      () => assertImageBatch(ints, 'images'),
      'images must be a float32 tensor with values in [0, 1], got dtype int32',
    );
    expectRejection(
      () => assertImageBatch(four, 'images'),
      'images must have 1 or 3 channels (NHWC), got 4 in shape [2,4,4,4]',
    );
    expectRejection(
      () => assertImageBatch(empty, 'images'),
      'images must hold at least one image of at least one pixel, got shape [0,4,4,3]',
    );
    expect(() => assertImageBatch(bright, 'images')).not.toThrow();
    expectRejection(
      () => assertImageBatch(bright, 'images', { checkValues: true }),
      'images must have values in [0, 1], got values in [1.5, 1.5]',
    );
    expectRejection(
      () => assertImageBatch(nan, 'images', { checkValues: true }),
      'images must be finite, got a tensor that holds NaN or Infinity',
    );
    expectRejection(() => assertImageBatch(null, 'images'), 'images must be a tf.Tensor, got null');
    tf.dispose([good, gray, rank3, ints, four, empty, bright, nan]);
  });
});

import { createRng, type Rng } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '../../test-utils/src/index.js';
import {
  expectSumsClose,
  type RefConv,
  refBackpropFilter,
  refBackpropInput,
  refGeometry,
} from './conv-reference.js';

function uniform(rng: Rng, size: number, lo = -1, hi = 1): Float32Array {
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.uniform(lo, hi);
  return v;
}

function heNormal(rng: Rng, shape: number[], fanIn: number): tf.Variable {
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = rng.normal(0, Math.sqrt(2 / fanIn));
  return tf.tidy(() => tf.variable(tf.tensor(v, shape)));
}

const LAYERS: Array<RefConv & { label: string }> = [
  {
    label: '3×3 stride 1 same',
    xShape: [2, 9, 8, 5],
    filterShape: [3, 3, 5, 6],
    strides: [1, 1],
    pad: 'same',
  },
  {
    label: '3×3 stride 2 same',
    xShape: [3, 8, 9, 3],
    filterShape: [3, 3, 3, 7],
    strides: [2, 2],
    pad: 'same',
  },
  {
    label: '1×1 stride 2 valid',
    xShape: [2, 8, 8, 6],
    filterShape: [1, 1, 6, 5],
    strides: [2, 2],
    pad: 'valid',
  },
  {
    label: '5×3 stride 1 valid',
    xShape: [1, 11, 7, 2],
    filterShape: [5, 3, 2, 3],
    strides: [1, 1],
    pad: 'valid',
  },
];

describeBackends('training conv nets', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  for (const layer of LAYERS) {
    it(`conv layer gradients (x, filter, bias) match float64 to 1e-4 relative: ${layer.label}`, () => {
      const rng = createRng(99);
      const { dyShape } = refGeometry(layer);
      const xv = uniform(
        rng,
        layer.xShape.reduce((a, b) => a * b, 1),
      );
      const wv = uniform(
        rng,
        layer.filterShape.reduce((a, b) => a * b, 1),
      );
      const g = uniform(
        rng,
        dyShape.reduce((a, b) => a * b, 1),
      );
      const co = layer.filterShape[3];
      const [plain, fused] = tf.tidy(() => {
        const x = tf.tensor4d(xv, layer.xShape);
        const w = tf.tensor4d(wv, layer.filterShape);
        const b = tf.zeros([co]);
        const upstream = tf.tensor4d(g, dyShape);
        const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, upstream));
        const grads = tf.grads((x, w, b) =>
          loss(tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, layer.strides, layer.pad), b)),
        );
        const fusedGrads = tf.grads((x, w, b) =>
          loss(
            tf.fused.conv2d({
              x: x as tf.Tensor4D,
              filter: w as tf.Tensor4D,
              strides: layer.strides,
              pad: layer.pad,
              bias: b,
            }),
          ),
        );
        return [grads([x, w, b]).map((t) => t.dataSync()), fusedGrads([x, w, b]).map((t) => t.dataSync())];
      });
      const dx = refBackpropInput(layer, g, wv);
      const dw = refBackpropFilter(layer, xv, g);
      const db = { values: new Float64Array(co), absSum: new Float64Array(co) };
      g.forEach((v, i) => {
        db.values[i % co]! += v;
        db.absSum[i % co]! += Math.abs(v);
      });
      for (const [name, got] of [
        ['tf.conv2d', plain!],
        ['tf.fused.conv2d', fused!],
      ] as const) {
        expectSumsClose(got[0]!, dx, 1e-4, `${name} dx`);
        expectSumsClose(got[1]!, dw, 1e-4, `${name} dW`);
        expectSumsClose(got[2]!, db, 1e-4, `${name} bias`);
      }
    });
  }

  it('a 4-layer conv net fits a fixed batch: the loss falls below half in 30 steps', () => {
    const rng = createRng(5);
    const images = tf.tensor4d(uniform(rng, 16 * 12 * 12 * 3, 0, 1), [16, 12, 12, 3]);
    const classes = Array.from({ length: 16 }, () => rng.int(4));
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(classes, 'int32'), 4));
    const convs: Array<{ w: tf.Variable; stride: number }> = [
      { w: heNormal(rng, [3, 3, 3, 8], 27), stride: 1 },
      { w: heNormal(rng, [3, 3, 8, 16], 72), stride: 2 },
      { w: heNormal(rng, [3, 3, 16, 16], 144), stride: 1 },
      { w: heNormal(rng, [3, 3, 16, 16], 144), stride: 2 },
    ];
    const head = heNormal(rng, [3 * 3 * 16, 4], 144);
    const optimizer = tf.train.adam(0.01);
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const cost = optimizer.minimize(() => {
        let h: tf.Tensor4D = images;
        for (const { w, stride } of convs) h = tf.relu(tf.conv2d(h, w as tf.Tensor4D, stride, 'same'));
        const logits = tf.matMul(tf.reshape(h, [16, -1]), head);
        return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      }, true);
      losses.push(cost!.dataSync()[0]!);
      cost!.dispose();
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[29]!).toBeLessThan(0.5 * losses[0]!);
    optimizer.dispose();
    tf.dispose([images, labels, head, ...convs.map((c) => c.w)]);
  });
});

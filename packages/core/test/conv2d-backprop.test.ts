import { createRng, type Rng, SimclrError } from '@simclr/core';
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

/** Relative error allowed per sum, against Σ|term| (float32 accumulation; SwiftShader on webgl). */
const RTOL = { cpu: 1e-5, wasm: 1e-5, webgl: 1e-4, webgpu: 1e-4 } as const;

function uniform(rng: Rng, size: number): Float32Array {
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.uniform(-1, 1);
  return v;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

const FILTERS: [number, number][] = [
  [1, 1],
  [3, 3],
  [7, 7],
  [3, 1],
  [1, 5],
  [2, 2],
];
const ODD_CHANNELS = [1, 2, 3, 5, 6, 7, 9];

/** Every filter × stride × padding, with random batch (1 to 3), spatial size and channels. */
function randomCases(): RefConv[] {
  const rng = createRng(20240607);
  const cases: RefConv[] = [];
  for (const [fh, fw] of FILTERS) {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        cases.push({
          xShape: [1 + rng.int(3), fh + rng.int(8), fw + rng.int(8), ODD_CHANNELS[rng.int(7)]!],
          filterShape: [fh, fw, 0, ODD_CHANNELS[rng.int(7)]!],
          strides: [stride, stride],
          pad,
        });
        const last = cases[cases.length - 1]!;
        last.filterShape[2] = last.xShape[3];
      }
    }
  }
  return cases;
}

const EDGE_CASES: Array<RefConv & { label: string }> = [
  {
    label: 'stride 2×1, 3×3, odd sizes',
    xShape: [2, 9, 7, 3],
    filterShape: [3, 3, 3, 5],
    strides: [2, 1],
    pad: 'same',
  },
  {
    label: 'stride 3, asymmetric explicit padding',
    xShape: [2, 10, 9, 3],
    filterShape: [3, 3, 3, 4],
    strides: [3, 2],
    pad: [
      [0, 0],
      [2, 1],
      [0, 3],
      [0, 0],
    ],
  },
  {
    label: 'numeric pad 1, stride 2',
    xShape: [2, 10, 9, 3],
    filterShape: [3, 3, 3, 4],
    strides: [2, 2],
    pad: 1,
  },
  {
    label: "numeric pad 4 > filter − 1, stride 3, 'ceil' rounding",
    xShape: [1, 10, 11, 2],
    filterShape: [3, 3, 2, 3],
    strides: [3, 3],
    pad: 4,
    dimRoundingMode: 'ceil',
  },
  {
    label: "'round' rounding",
    xShape: [2, 8, 8, 2],
    filterShape: [2, 2, 2, 3],
    strides: [3, 3],
    pad: 1,
    dimRoundingMode: 'round',
  },
  {
    label: 'stride 4 > filter',
    xShape: [2, 11, 13, 3],
    filterShape: [3, 3, 3, 2],
    strides: [4, 4],
    pad: 'same',
  },
  {
    label: '1×1 stride 2 with padding 1 (only odd pixels get gradient)',
    xShape: [2, 7, 6, 3],
    filterShape: [1, 1, 3, 4],
    strides: [2, 2],
    pad: 1,
  },
  {
    label: '1×1 image, 3×3 same',
    xShape: [3, 1, 1, 5],
    filterShape: [3, 3, 5, 2],
    strides: [1, 1],
    pad: 'same',
  },
  {
    label: 'windows that only see padding (zero gradient)',
    xShape: [2, 2, 2, 3],
    filterShape: [1, 1, 3, 2],
    strides: [5, 5],
    pad: 3,
  },
  {
    label: '7×7 stride 2 stem on an even image',
    xShape: [2, 16, 16, 3],
    filterShape: [7, 7, 3, 8],
    strides: [2, 2],
    pad: 'same',
  },
];

interface Inputs {
  x: Float32Array;
  filter: Float32Array;
  dy: Float32Array;
  dyShape: [number, number, number, number];
}

function makeInputs(c: RefConv, seed: number): Inputs {
  const rng = createRng(seed);
  const { dyShape } = refGeometry(c);
  return {
    x: uniform(rng, size(c.xShape)),
    filter: uniform(rng, size(c.filterShape)),
    dy: uniform(rng, size(dyShape)),
    dyShape,
  };
}

function describeCase(c: RefConv): string {
  const pad = typeof c.pad === 'string' || typeof c.pad === 'number' ? c.pad : JSON.stringify(c.pad);
  return `x [${c.xShape}], filter [${c.filterShape}], strides [${c.strides}], pad ${pad}`;
}

/** dX through conv2dTranspose (the Conv2DBackpropInput kernel) and dW through the kernel itself. */
function gradients(c: RefConv, d: Inputs): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(d.x, c.xShape);
    const filter = tf.tensor4d(d.filter, c.filterShape);
    const dy = tf.tensor4d(d.dy, d.dyShape);
    const dx = tf.conv2dTranspose(dy, filter, c.xShape, c.strides, c.pad, c.dimRoundingMode);
    const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
      strides: c.strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      dimRoundingMode: c.dimRoundingMode,
      filterShape: c.filterShape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

describeBackends('Conv2D gradient kernels', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  const rtol = RTOL[backend as keyof typeof RTOL];

  const cases: Array<[string, RefConv]> = [
    ...randomCases().map((c): [string, RefConv] => [describeCase(c), c]),
    ...EDGE_CASES.map((c): [string, RefConv] => [`${c.label}: ${describeCase(c)}`, c]),
  ];
  cases.forEach(([label, c], i) => {
    it(`dX and dW match float64 direct convolution: ${label}`, () => {
      const d = makeInputs(c, 1000 + i);
      const { dx, dw } = gradients(c, d);
      expectSumsClose(dx, refBackpropInput(c, d.dy, d.filter), rtol, 'dX');
      expectSumsClose(dw, refBackpropFilter(c, d.x, d.dy), rtol, 'dW');
    });
  });

  it.runIf(backend === 'cpu' || backend === 'wasm')(
    'handles NCHW by transposing, with the same results as NHWC',
    () => {
      const c: RefConv = { xShape: [2, 7, 6, 3], filterShape: [3, 3, 3, 4], strides: [2, 2], pad: 'same' };
      const d = makeInputs(c, 7);
      const toNchw = (v: Float32Array, s: [number, number, number, number]) =>
        tf.tidy(() => tf.transpose(tf.tensor4d(v, s), [0, 3, 1, 2]));
      const [dx, dw] = tf.tidy(() => {
        const x = toNchw(d.x, c.xShape);
        const dy = toNchw(d.dy, d.dyShape);
        const filter = tf.tensor4d(d.filter, c.filterShape);
        const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NCHW' };
        const dxNchw = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, {
          ...attrs,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const dwOut = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
          ...attrs,
          filterShape: c.filterShape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        return [tf.transpose(dxNchw, [0, 2, 3, 1]).dataSync(), dwOut.dataSync()];
      });
      expectSumsClose(dx!, refBackpropInput(c, d.dy, d.filter), rtol, 'dX');
      expectSumsClose(dw!, refBackpropFilter(c, d.x, d.dy), rtol, 'dW');
    },
  );

  it.runIf(backend === 'cpu' || backend === 'wasm')('frees every intermediate buffer', () => {
    const c: RefConv = { xShape: [2, 9, 8, 3], filterShape: [3, 3, 3, 4], strides: [2, 2], pad: 'valid' };
    const d = makeInputs(c, 8);
    gradients(c, d);
    const buffers = tf.memory().numDataBuffers;
    gradients(c, d);
    expect(tf.memory().numDataBuffers).toBe(buffers);
  });

  it.runIf(backend === 'cpu' || backend === 'wasm')(
    'rejects a dy that is not the forward output shape, naming both',
    () => {
      const x = tf.zeros([2, 8, 8, 3]);
      const dy = tf.zeros([2, 8, 8, 4]);
      const filter = tf.zeros([3, 3, 3, 4]);
      const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC' };
      const dW = () =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
          ...attrs,
          filterShape: [3, 3, 3, 4],
        } as unknown as tf.NamedAttrMap);
      expect(dW).toThrow(SimclrError);
      expect(dW).toThrow(
        'Conv2DBackpropFilter: dy must have the forward output\'s shape [2,4,4,4] (x [2,8,8,3], filter [3,3,3,4], strides 2, pad "same"), got [2,8,8,4]',
      );
      if (backend === 'wasm') {
        const dX = () =>
          tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, {
            ...attrs,
            inputShape: [2, 8, 8, 3],
          } as unknown as tf.NamedAttrMap);
        expect(dX).toThrow(/^Conv2DBackpropInput: dy must have the forward output's shape \[2,4,4,4\]/);
      }
      tf.dispose([x, dy, filter]);
    },
  );

  it.runIf(backend === 'cpu' || backend === 'wasm')(
    'rejects bad strides and data formats with SimclrError',
    () => {
      const x = tf.zeros([1, 4, 4, 1]);
      const dy = tf.zeros([1, 4, 4, 1]);
      const run = (attrs: Record<string, unknown>) => () =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
          strides: 1,
          pad: 'same',
          dataFormat: 'NHWC',
          filterShape: [1, 1, 1, 1],
          ...attrs,
        } as unknown as tf.NamedAttrMap);
      expect(run({ strides: [0, 1] })).toThrow(
        'strides must be a positive integer or two of them, got [0,1]',
      );
      expect(run({ dataFormat: 'NWHC' })).toThrow(`dataFormat must be 'NHWC' or 'NCHW', got "NWHC"`);
      expect(run({ filterShape: [1, 1, 2, 1] })).toThrow(
        'filter [1,1,2,1] must have 1 input channels to match x [1,4,4,1], got 2',
      );
      tf.dispose([x, dy]);
    },
  );
});

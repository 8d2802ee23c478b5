import { batchNormTraining } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { describeBackends } from '../../test-utils/src/index.js';
import { batchNormErrors, CASES, caseProblem, EPSILON, relError } from './batch-norm-reference.js';

describeBackends(
  'batchNormTraining without a fused kernel',
  ['cpu', 'wasm', 'webgl', 'webgpu'],
  (backend) => {
    for (const c of CASES) {
      it(`matches float64: ${c.label}`, () => {
        const e = batchNormErrors(batchNormTraining, caseProblem(c));
        // tfjs's own ops: float32 means (webgl: its float32 textures), and the variance of a mean of 30
        // with a spread of 0.01 in float32 sums.
        const far = c.center > 10;
        const loose = backend === 'webgl' ? 10 : 1;
        expect(e.y, 'y').toBeLessThan((far ? 2e-2 : 1e-4) * loose);
        expect(e.mean, 'mean').toBeLessThan(1e-5 * loose);
        expect(e.variance, 'variance').toBeLessThan((far ? 5e-2 : 1e-4) * loose);
        expect(e.dx, 'dx').toBeLessThan((far ? 5e-2 : 1e-3) * loose);
        expect(e.dscale, 'dscale').toBeLessThan((far ? 5e-2 : 1e-3) * loose);
        expect(e.doffset, 'doffset').toBeLessThan(1e-4 * loose);
      });
    }

    it("gives tfjs-layers' training-mode batch norm, bit for bit", () => {
      const p = caseProblem(CASES[0]!);
      const layer = tfl.layers.batchNormalization({ epsilon: EPSILON, momentum: 0.9 });
      const [ours, theirs] = tf.tidy(() => {
        const x = tf.tensor(Float32Array.from(p.x), p.shape);
        layer.build(x.shape);
        const gamma = layer.getWeights()[0]!;
        const beta = layer.getWeights()[1]!;
        const mine = batchNormTraining(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, EPSILON)[0];
        return [
          mine.dataSync().slice(),
          (layer.apply(x, { training: true }) as tf.Tensor).dataSync().slice(),
        ];
      });
      expect(relError(ours!, theirs!)).toBe(0);
      for (const w of layer.weights) w.dispose();
    });

    it('rejects arguments that do not fit, naming the function and the argument', () => {
      const x = tf.zeros([2, 3]);
      const short = tf.ones([2]) as tf.Tensor1D;
      const ones = tf.ones([3]) as tf.Tensor1D;
      expect(() => batchNormTraining(x, short, ones, EPSILON)).toThrow(
        /batchNormTraining: scale must have shape \[3\]/,
      );
      expect(() => batchNormTraining(x, ones, short, EPSILON)).toThrow(
        /batchNormTraining: offset must have shape \[3\]/,
      );
      expect(() => batchNormTraining(x, ones, ones, 0)).toThrow(
        /batchNormTraining: epsilon must be a finite number > 0/,
      );
      const vector = tf.zeros([3]);
      expect(() => batchNormTraining(vector, ones, ones, EPSILON)).toThrow(
        /batchNormTraining: x must have rank >= 2/,
      );
      tf.dispose([x, short, ones, vector]);
    });
  },
);

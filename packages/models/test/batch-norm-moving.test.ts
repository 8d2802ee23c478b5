import { describeBackends, expectClose } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { projectionHead } from '../src/index.js';

// PyTorch 1.13 in float64: Linear(4, 3, bias=False) with weight[i][j] = cos(0.5i − 0.9j), BatchNorm1d(3)
// (momentum 0.1, ε 1e-5) in training mode, called on x·1 and then x·2, where
// x[i][j] = sin(0.7i + 0.3j) + 0.1j (5 rows). running_mean and running_var after the two calls; the
// variance PyTorch keeps is the unbiased one (n − 1).
const TORCH_RUNNING_MEAN = [0.046215191, 0.254428186, 0.400348289];
const TORCH_RUNNING_VAR = [1.057222122, 1.021100331, 1.130559783];

describeBackends('batch norm moving statistics', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it("follow PyTorch's running_mean and unbiased running_var in training mode", () => {
    const head = projectionHead({ inputDim: 4, hiddenDim: 3, outputDim: 2 });
    const kernel = Array.from({ length: 4 }, (_, j) =>
      Array.from({ length: 3 }, (_, i) => Math.cos(0.5 * i - 0.9 * j)),
    );
    const linear = head.getLayer('head.linear1');
    const kernelTensor = tf.tensor2d(kernel);
    linear.setWeights([kernelTensor]);
    kernelTensor.dispose();
    const x = tf.tensor2d(
      Array.from({ length: 5 }, (_, i) =>
        Array.from({ length: 4 }, (_, j) => Math.sin(0.7 * i + 0.3 * j) + 0.1 * j),
      ),
    );
    tf.tidy(() => {
      head.apply(x, { training: true });
      head.apply(tf.mul(x, 2), { training: true });
    });
    const bn = head.getLayer('head.bn1');
    const [, , movingMean, movingVariance] = bn.getWeights();
    expectClose(movingMean!, TORCH_RUNNING_MEAN, { atol: 1e-5, label: 'running_mean' });
    expectClose(movingVariance!, TORCH_RUNNING_VAR, { atol: 1e-5, label: 'running_var' });
    x.dispose();
    head.dispose();
  });
});

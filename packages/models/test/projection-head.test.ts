import { SimclrError } from '@simclr/core';
import { isBatchNormOrBias, projectionHead, smallCnn } from '@simclr/models';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';

describeBackends('projectionHead and smallCnn', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it("is the paper's Linear → BN → ReLU → Linear, hidden width = input width by default", () => {
    const head = projectionHead({ inputDim: 2048 });
    expect(head.layers.map((l) => l.name)).toEqual([
      'h',
      'head.linear1',
      'head.bn1',
      'head.relu1',
      'head.linear2',
    ]);
    expect(head.weights.map((w) => [w.originalName, w.shape])).toEqual([
      ['head.linear1/kernel', [2048, 2048]],
      ['head.bn1/gamma', [2048]],
      ['head.bn1/beta', [2048]],
      ['head.linear2/kernel', [2048, 128]],
      ['head.linear2/bias', [128]],
      ['head.bn1/moving_mean', [2048]],
      ['head.bn1/moving_variance', [2048]],
    ]);
    head.dispose();
  });

  it('layers: 3 gives the SimCLRv2 head; without batch norm the hidden layers keep their bias', () => {
    const v2 = projectionHead({ inputDim: 64, hiddenDim: 32, outputDim: 16, layers: 3 });
    expect(v2.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.outputShape)).toEqual([
      [null, 32],
      [null, 32],
      [null, 16],
    ]);
    const plain = projectionHead({ inputDim: 8, batchNorm: false, layers: 1 });
    expect(plain.weights.map((w) => w.originalName)).toEqual(['head.linear1/kernel', 'head.linear1/bias']);
    const noBn = projectionHead({ inputDim: 8, batchNorm: false });
    expect(noBn.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect(noBn.weights.map((w) => w.originalName)).toContain('head.linear1/bias');
    const z = tf.tidy(() => v2.predict(tf.ones([5, 64])) as tf.Tensor);
    expect(z.shape).toEqual([5, 16]);
    z.dispose();
    for (const m of [v2, plain, noBn]) m.dispose();
  });

  it('smallCnn maps an ImageBatch to [N, last width]', () => {
    const cnn = smallCnn({ inputShape: [28, 28, 1], widths: [4, 8] });
    const h = tf.tidy(() => cnn.predict(tf.ones([3, 28, 28, 1])) as tf.Tensor);
    expect(h.shape).toEqual([3, 8]);
    expect(cnn.getLayer('stage2.conv').outputShape).toEqual([null, 7, 7, 8]);
    h.dispose();
    cnn.dispose();
  });

  it('isBatchNormOrBias tells batch-norm and bias weights from kernels', () => {
    const head = projectionHead({ inputDim: 4, outputDim: 2 });
    const flagged = head.weights.filter((w) => isBatchNormOrBias(w.name)).map((w) => w.originalName);
    expect(flagged).toEqual(['head.bn1/gamma', 'head.bn1/beta', 'head.linear2/bias']);
    expect(['a/gamma_1', 'conv/bias_12', 'x.bn1/beta'].every(isBatchNormOrBias)).toBe(true);
    expect(['conv/kernel', 'bn/moving_mean', 'gamma', 'a/gamma_x'].some(isBatchNormOrBias)).toBe(false);
    head.dispose();
  });

  it('smallCnn: a stride-1 stage keeps the resolution, a stride-2 stage halves it', () => {
    const encoder = smallCnn({ inputShape: [8, 8, 1], widths: [3, 5], strides: [1, 2] });
    expect(encoder.getLayer('stage1.relu').outputShape).toEqual([null, 8, 8, 3]);
    expect(encoder.getLayer('stage2.relu').outputShape).toEqual([null, 4, 4, 5]);
    expect(encoder.outputShape).toEqual([null, 5]);
    const defaults = smallCnn({ inputShape: [8, 8, 1], widths: [3, 5] });
    expect(defaults.getLayer('stage1.relu').outputShape).toEqual([null, 4, 4, 3]);
    expect(defaults.getLayer('stage2.relu').outputShape).toEqual([null, 2, 2, 5]);
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 3);
    const h = encoder.predict(x) as tf.Tensor2D;
    expect(h.shape).toEqual([2, 5]);
    expect(h.dataSync().every(Number.isFinite)).toBe(true);
    const flat = smallCnn({ inputShape: [8, 8, 1], widths: [3, 5], pooling: 'flatten' });
    expect(flat.outputShape).toEqual([null, 2 * 2 * 5]);
    // Flattening keeps every position of the last map: the average over positions is h of 'average'.
    const pooled = smallCnn({ inputShape: [8, 8, 1], widths: [3, 5] });
    const hf = flat.predict(x) as tf.Tensor2D;
    const ha = pooled.predict(x) as tf.Tensor2D;
    const meanOfFlat = tf.tidy(() => tf.mean(tf.reshape(hf, [2, 4, 5]), 1));
    expect(Array.from(meanOfFlat.dataSync()).map((v) => Math.round(v * 1e5))).toEqual(
      Array.from(ha.dataSync()).map((v) => Math.round(v * 1e5)),
    );
    encoder.dispose();
    defaults.dispose();
    flat.dispose();
    pooled.dispose();
    tf.dispose([x, h, hf, ha, meanOfFlat]);
  });

  it('rejects bad options with a SimclrError that names the argument', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => projectionHead({ inputDim: 0 }), /inputDim must be an integer >= 1, got 0/],
      [() => projectionHead({ inputDim: 8, hiddenDim: 2.5 }), /hiddenDim must be an integer >= 1, got 2.5/],
      [() => projectionHead({ inputDim: 8, outputDim: -1 }), /outputDim must be an integer >= 1/],
      [() => projectionHead({ inputDim: 8, layers: 0 }), /layers must be an integer >= 1, got 0/],
      [() => projectionHead({ inputDim: 8, batchNorm: 'no' as never }), /batchNorm must be true or false/],
      [
        () => smallCnn({ inputShape: [8, 8, 3], widths: [] }),
        /widths must be a non-empty array of positive integers, got \[\]/,
      ],
      [() => smallCnn({ inputShape: [0, 8, 3] }), /inputShape must be/],
      [
        () => smallCnn({ inputShape: [8, 8, 3], widths: [4, 8], strides: [2] }),
        /smallCnn: strides must hold 1 or 2 for each of the 2 stages, got \[2\]/,
      ],
      [() => smallCnn({ inputShape: [8, 8, 3], widths: [4], strides: [3] }), /strides must hold 1 or 2/],
      [
        () => smallCnn({ inputShape: [8, 8, 3], pooling: 'max' as never }),
        /smallCnn: pooling must be 'average' or 'flatten', got "max"/,
      ],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(SimclrError);
      expect(call).toThrow(message);
    }
  });
});

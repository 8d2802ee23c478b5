import { loadSimCLRModel, projectionHead, SimCLRModel, smallCnn } from '@simclr/models';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';

describeBackends('SimCLRModel browser storage', ['webgl'], () => {
  it('round-trips through IndexedDB with identical h', async () => {
    const url = 'indexeddb://simclr-models-test';
    const model = new SimCLRModel({
      encoder: smallCnn({ inputShape: [12, 12, 3], widths: [4, 8] }),
      head: projectionHead({ inputDim: 8, outputDim: 6 }),
    });
    const x = tf.randomUniform([3, 12, 12, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    tf.dispose(model.project(x, { training: true }));
    await model.save(url);
    const loaded = await loadSimCLRModel(url);
    const [a, b] = [model.encode(x), loaded.encode(x)];
    expect(b.dataSync()).toEqual(a.dataSync());
    await tf.io.removeModel(url);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('routes downloads:// to the browser download handler', () => {
    expect(tf.io.getSaveHandlers('downloads://simclr')).toHaveLength(1);
  });
});

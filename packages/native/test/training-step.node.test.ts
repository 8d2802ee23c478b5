import '@tensorflow/tfjs-backend-wasm';
import '@simclr/native';
import { createRng, type ImageBatch, setupBackend } from '@simclr/core';
import { ntXent } from '@simclr/losses';
import { projectionHead, resnet, SimCLRModel } from '@simclr/models';
import { contrastiveGradients } from '@simclr/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

/** One SimCLR step of a small CIFAR-stem ResNet: the loss and every gradient, as plain arrays. */
function step(): { loss: number; grads: Float32Array[]; stats: Float32Array[] } {
  const rng = createRng(4);
  const encoder = resnet({ depth: 18, stem: 'cifar', widthMultiplier: 0.125, inputShape: [16, 16, 3], rng });
  const head = projectionHead({ inputDim: encoder.outputs[0]!.shape[1] as number, outputDim: 16, rng });
  const model = new SimCLRModel({ encoder, head });
  const r = tf.tidy(() => {
    const view1 = tf.randomUniform([8, 16, 16, 3], 0, 1, 'float32', 1) as ImageBatch;
    const view2 = tf.randomUniform([8, 16, 16, 3], 0, 1, 'float32', 2) as ImageBatch;
    const out = contrastiveGradients({
      embed: (x, training) => model.project(x, { training }),
      loss: (z1, z2) => ntXent(z1, z2, { temperature: 0.5 }),
      view1,
      view2,
      variables: model.trainableWeights,
    });
    tf.dispose([out.z1, out.z2]);
    return { loss: out.loss, ...out.grads } as tf.NamedTensorMap;
  });
  const loss = r['loss']!.dataSync()[0]!;
  const grads = model.trainableWeights.map((v) => r[v.name]!.dataSync() as Float32Array);
  // The batch-norm moving statistics after the step's forward passes.
  const stats = [...encoder.nonTrainableWeights, ...head.nonTrainableWeights].map(
    (w) => w.read().dataSync() as Float32Array,
  );
  tf.dispose(Object.values(r));
  model.dispose();
  return { loss, grads, stats };
}

describe('a training step with the native kernels', () => {
  it('equals the wasm-only step: loss, every gradient and the moving statistics within 1e-4', async () => {
    await setupBackend('wasm');
    const plain = step();
    expect((await setupBackend('native')).name).toBe('native');
    const native = step();
    expect(Math.abs(native.loss - plain.loss)).toBeLessThan(1e-4);
    expect(native.grads.length).toBe(plain.grads.length);
    plain.grads.forEach((g, i) => {
      const n = native.grads[i]!;
      const scale = Math.max(1e-12, ...Array.from(g, Math.abs));
      let worst = 0;
      for (let j = 0; j < g.length; j++) worst = Math.max(worst, Math.abs(n[j]! - g[j]!) / scale);
      expect(worst, `gradient ${i}`).toBeLessThan(1e-4);
    });
    expect(native.stats.length).toBe(plain.stats.length);
    expect(native.stats.length).toBeGreaterThan(0);
    plain.stats.forEach((s, i) => {
      const n = native.stats[i]!;
      for (let j = 0; j < s.length; j++) {
        expect(Math.abs(n[j]! - s[j]!), `statistic ${i}[${j}]`).toBeLessThan(
          1e-4 * Math.max(1, Math.abs(s[j]!)),
        );
      }
    });
  });
});

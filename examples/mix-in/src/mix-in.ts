import { createRng, simclrAugment, twoViews } from '@simclr/augment';
import { supCon } from '@simclr/losses';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Options of {@link runMixIn}. */
export interface MixInOptions {
  train: { images: tf.Tensor4D; labels: tf.Tensor1D };
  test: { images: tf.Tensor4D; labels: tf.Tensor1D };
  /** Epochs of supervised contrastive pretraining. */
  contrastiveEpochs: number;
  /** Epochs of the linear classifier on the frozen encoder. */
  classifierEpochs: number;
  batchSize: number;
  seed: number;
  log?: (line: string) => void;
}

/** Your own encoder: a plain tfjs-layers CNN. */
function buildEncoder(seed: number): tfl.Sequential {
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed + s });
  return tfl.sequential({
    name: 'my_encoder',
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({
        filters: 64,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(3),
      }),
      tfl.layers.globalAveragePooling2d({}),
    ],
  });
}

/**
 * Supervised contrastive pretraining of your own encoder with `simclrAugment` + `supCon`, then a linear
 * softmax classifier on the frozen encoder trained with plain `model.fit`. Returns the SupCon loss per
 * epoch and the test accuracy of the classifier.
 */
export async function runMixIn(
  options: MixInOptions,
): Promise<{ contrastiveLosses: number[]; testAccuracy: number }> {
  const { train, test, contrastiveEpochs, classifierEpochs, batchSize, seed, log = () => {} } = options;
  const encoder = buildEncoder(seed);
  const projection = tfl.sequential({
    name: 'my_projection',
    layers: [
      tfl.layers.dense({
        inputShape: [64],
        units: 64,
        activation: 'relu',
        kernelInitializer: tfl.initializers.heNormal({ seed }),
      }),
      tfl.layers.dense({ units: 32, kernelInitializer: tfl.initializers.glorotNormal({ seed: seed + 1 }) }),
    ],
  });
  const augment = simclrAugment({ size: 28, strength: 0.5, blur: false });
  const rng = createRng(seed);
  const optimizer = tf.train.adam(1e-3);
  const n = train.images.shape[0];
  const contrastiveLosses: number[] = [];

  for (let epoch = 0; epoch < contrastiveEpochs; epoch++) {
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    let total = 0;
    let steps = 0;
    for (let start = 0; start + batchSize <= n; start += batchSize) {
      const loss = tf.tidy(() => {
        const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
        const images = tf.gather(train.images, idx) as tf.Tensor4D;
        const labels = tf.gather(train.labels, idx) as tf.Tensor1D;
        const [v1, v2] = twoViews(augment, images, rng);
        const both = tf.concat([v1, v2]);
        const twice = tf.concat([labels, labels]) as tf.Tensor1D;
        return optimizer.minimize(() => {
          const z = projection.apply(encoder.apply(both, { training: true }), {
            training: true,
          }) as tf.Tensor2D;
          return supCon(z, twice, { temperature: 0.1 });
        }, true) as tf.Scalar;
      });
      total += (await loss.data())[0]!;
      steps++;
      loss.dispose();
    }
    contrastiveLosses.push(total / steps);
    log(`SupCon epoch ${epoch + 1}/${contrastiveEpochs}: loss ${(total / steps).toFixed(4)}`);
  }

  // A linear classifier on the frozen encoder, trained the ordinary tfjs-layers way.
  encoder.trainable = false;
  const classifier = tfl.sequential({
    layers: [
      encoder,
      tfl.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      }),
    ],
  });
  const classifierOptimizer = tf.train.adam(3e-3);
  classifier.compile({
    optimizer: classifierOptimizer,
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const trainLabels = tf.cast(train.labels, 'float32');
  await classifier.fit(train.images, trainLabels, {
    epochs: classifierEpochs,
    batchSize,
    shuffle: true,
    verbose: 0,
  });
  const predicted = tf.tidy(() => tf.argMax(classifier.predict(test.images) as tf.Tensor2D, 1));
  const correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(predicted, test.labels), 'float32')).dataSync()[0]!);
  const testAccuracy = correct / test.images.shape[0];
  log(`linear classifier on the frozen encoder: test accuracy ${(100 * testAccuracy).toFixed(1)}%`);

  tf.dispose([trainLabels, predicted]);
  optimizer.dispose();
  classifierOptimizer.dispose();
  classifier.dispose();
  projection.dispose();
  return { contrastiveLosses, testAccuracy };
}

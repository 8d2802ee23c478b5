import { createRng, SimclrError } from '@simclr/core';
import { type ResNetDepth, resnet } from '@simclr/models';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import torchvision from './fixtures/torchvision-resnet.json' with { type: 'json' };

/** torchvision's `resnetXX()` without `fc` (fixtures/torchvision_resnet.py prints them). */
const TORCHVISION_COUNTS: Record<`${ResNetDepth}-${'imagenet' | 'cifar'}`, number> = {
  '18-imagenet': 11_176_512,
  '18-cifar': 11_168_832,
  '34-imagenet': 21_284_672,
  '34-cifar': 21_276_992,
  '50-imagenet': 23_508_032,
  '50-cifar': 23_500_352,
  '101-imagenet': 42_500_160,
  '101-cifar': 42_492_480,
  '152-imagenet': 58_143_808,
  '152-cifar': 58_136_128,
};

function countTrainable(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

/** torchvision parameter name and shape → this package's weight name and shape. */
function fromTorch(name: string, shape: number[]): [string, number[]] {
  const dot = name.lastIndexOf('.');
  const module = name.slice(0, dot);
  const kind = name.slice(dot + 1);
  const isBn = /(^|\.)bn\d$|downsample\.1$/.test(module);
  if (kind === 'weight' && !isBn) {
    const [out, inC, kh, kw] = shape as [number, number, number, number];
    return [`${module}/kernel`, [kh, kw, inC, out]];
  }
  const renamed = {
    weight: 'gamma',
    bias: 'beta',
    running_mean: 'moving_mean',
    running_var: 'moving_variance',
  };
  return [`${module}/${renamed[kind as keyof typeof renamed]}`, shape];
}

// The counts do not depend on the backend; building ResNet-152 twice more would only cost time.
describeBackends('resnet parameter counts', ['cpu'], () => {
  for (const depth of [18, 34, 50, 101, 152] as const) {
    for (const stem of ['imagenet', 'cifar'] as const) {
      const key = `${depth}-${stem}` as const;
      it(`ResNet-${depth} with the ${stem} stem has torchvision's ${TORCHVISION_COUNTS[key].toLocaleString('en')} trainable parameters`, () => {
        const model = resnet({ depth, stem, inputShape: [32, 32, 3] });
        const count = countTrainable(model);
        model.dispose();
        expect(count).toBe(TORCHVISION_COUNTS[key]);
        expect(count).toBe(torchvision.counts[key]);
      });
    }
  }

  for (const depth of [18, 50] as const) {
    it(`ResNet-${depth} has torchvision's parameters and buffers, name by name and shape by shape`, () => {
      const model = resnet({ depth, inputShape: [64, 64, 3] });
      const ours = new Map(model.weights.map((w) => [w.originalName, w.shape]));
      const trainable = new Set(model.trainableWeights.map((w) => w.originalName));
      model.dispose();
      const { parameters, buffers } = torchvision.shapes[`resnet${depth}`];
      const theirs = [...parameters, ...buffers].map(([name, shape]) =>
        fromTorch(name as string, shape as number[]),
      );
      expect(new Map(theirs)).toEqual(ours);
      expect(trainable).toEqual(
        new Set(parameters.map(([n, s]) => fromTorch(n as string, s as number[])[0])),
      );
    });
  }
});

describeBackends('resnet', ['cpu', 'wasm', 'webgl', 'webgpu'], () => {
  it("maps an ImageBatch to h, with torchvision's feature-map sizes", () => {
    const imagenet = resnet({ depth: 18, inputShape: [64, 64, 3], widthMultiplier: 0.25 });
    const cifar = resnet({ depth: 50, stem: 'cifar', inputShape: [32, 32, 3], widthMultiplier: 0.25 });
    // ImageNet stem: /4 before layer1, then /2 per stage; CIFAR stem: no reduction before layer1.
    expect(imagenet.getLayer('maxpool').outputShape).toEqual([null, 16, 16, 16]);
    expect(imagenet.getLayer('layer4.1.relu').outputShape).toEqual([null, 2, 2, 128]);
    expect(cifar.getLayer('layer1.2.relu').outputShape).toEqual([null, 32, 32, 64]);
    expect(cifar.getLayer('layer4.2.relu').outputShape).toEqual([null, 4, 4, 512]);
    const [h18, h50] = tf.tidy(() => {
      const a = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 1);
      const b = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 2);
      return [imagenet.predict(a) as tf.Tensor, cifar.predict(b) as tf.Tensor];
    });
    expect(h18!.shape).toEqual([2, 128]);
    expect(h50!.shape).toEqual([2, 512]);
    expect(Array.from(h50!.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([h18!, h50!]);
    imagenet.dispose();
    cifar.dispose();
  });

  it('accepts gray images and scales every width by widthMultiplier', () => {
    const model = resnet({ depth: 18, stem: 'cifar', inputShape: [8, 8, 1], widthMultiplier: 0.5 });
    expect(model.getLayer('conv1').getWeights()[0]!.shape).toEqual([3, 3, 1, 32]);
    expect(model.outputs[0]!.shape).toEqual([null, 256]);
    model.dispose();
  });

  it('zeroInitResidual zeroes the last batch-norm scale of every block, and only that', () => {
    const model = resnet({
      depth: 50,
      stem: 'cifar',
      inputShape: [8, 8, 3],
      widthMultiplier: 0.25,
      zeroInitResidual: true,
    });
    const gammas = model.weights.filter((w) => w.originalName.endsWith('/gamma'));
    const zero = gammas.filter((w) => tf.tidy(() => tf.max(tf.abs(w.read())).dataSync()[0]) === 0);
    expect(zero.map((w) => w.originalName)).toEqual(
      gammas.filter((w) => /\.bn3\/gamma$/.test(w.originalName)).map((w) => w.originalName),
    );
    expect(zero).toHaveLength(16);
    model.dispose();
  });

  it('the same rng seed gives the same weights, another seed other weights', () => {
    const build = (seed: number) =>
      resnet({
        depth: 18,
        stem: 'cifar',
        inputShape: [8, 8, 3],
        widthMultiplier: 0.25,
        rng: createRng(seed),
      });
    const [a, b, c] = [build(7), build(7), build(8)];
    const kernel = (m: tfl.LayersModel) => m.getLayer('layer2.0.conv1').getWeights()[0]!.dataSync();
    expect(kernel(a)).toEqual(kernel(b));
    expect(kernel(a)).not.toEqual(kernel(c));
    for (const m of [a, b, c]) m.dispose();
  });

  it('rejects bad options with a SimclrError that names the argument', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => resnet({ depth: 20 as never, inputShape: [32, 32, 3] }),
        /depth must be one of 18, 34, 50, 101, 152, got 20/,
      ],
      [
        () => resnet({ depth: 18, inputShape: [32, 32, 4] }),
        /inputShape must be \[height, width, channels\].* got \[32,32,4\]/,
      ],
      [() => resnet({ depth: 18, inputShape: [32, 32] as never }), /inputShape must be/],
      [
        () => resnet({ depth: 18, inputShape: [32, 32, 3], stem: 'tiny' as never }),
        /stem must be one of "imagenet", "cifar", got "tiny"/,
      ],
      [
        () => resnet({ depth: 18, inputShape: [32, 32, 3], widthMultiplier: 0 }),
        /widthMultiplier must be a finite number > 0/,
      ],
      [
        () => resnet({ depth: 18, inputShape: [32, 32, 3], widthMultiplier: 0.3 }),
        /widthMultiplier times 64 must be an integer/,
      ],
      [
        () => resnet({ depth: 18, inputShape: [32, 32, 3], zeroInitResidual: 1 as never }),
        /zeroInitResidual must be true or false/,
      ],
      [() => resnet(undefined as never), /options must be an options object, got undefined/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(SimclrError);
      expect(call).toThrow(message);
    }
  });
});

import { SimclrError } from '@simclr/core';
import { inferResNetOptions, loadStateDict, projectionHead, resnet, SimCLRModel } from '@simclr/models';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  formulaMismatches,
  resnetWeightName,
  weightsByName,
  zeroStateDict,
} from './fixtures/parity/expect-weights.js';
import {
  formulaFeatures,
  formulaStateDict,
  formulaTensor,
  type KeyEntry,
} from './fixtures/parity/formula.js';
import r18c from './fixtures/parity/h-resnet18-cifar.json' with { type: 'json' };
import heads from './fixtures/parity/heads.json' with { type: 'json' };
import keyLists from './fixtures/parity/keys.json' with { type: 'json' };

/**
 * Key lists and head outputs come from fixtures/parity/make_parity_fixtures.py: the state dicts of
 * torchvision's models, and of lightly's and solo-learn's SimCLR / BYOL modules rebuilt in plain torch
 * as their sources build them. Values come from the formula both sides compute.
 */
const KEYS = keyLists as unknown as Record<string, KeyEntry[]>;
const names = (keys: readonly KeyEntry[]) => keys.map(([n]) => n);
const isCount = (n: string) => n.endsWith('.num_batches_tracked');

/** torchvision's ResNet children as lightly's `nn.Sequential(*list(resnet.children())[:-1])` numbers them. */
const CHILDREN = ['conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool'];
const fromLightly = (key: string) => key.replace(/^backbone\.(\d+)/, (_, i: string) => CHILDREN[Number(i)]!);
const fromSolo = (key: string) => key.replace(/^backbone\./, '');

/** Expects every backbone entry of `keys` in the encoder weight of its torchvision name, values and layout included. */
function expectBackbone(
  weights: ReturnType<typeof weightsByName>,
  keys: readonly KeyEntry[],
  toTorchvision: (key: string) => string,
): void {
  for (const [key, shape] of keys) {
    if (!key.startsWith('backbone.') || isCount(key)) continue;
    const weight = weights.get(resnetWeightName(toTorchvision(key)));
    expect(weight, key).toBeDefined();
    expect(formulaMismatches(weight!, key, shape), key).toBe(0);
  }
}

function keyEntry(keys: readonly KeyEntry[], name: string): KeyEntry {
  return keys.find(([n]) => n === name)!;
}

// Names and shapes do not depend on the backend: cpu in Node, webgl in the browser (the numeric checks
// against PyTorch run on every backend).
describeBackends('loadStateDict: the layouts', ['cpu', 'webgl'], () => {
  for (const depth of [18, 34, 50] as const) {
    it(`torchvision's resnet${depth}: every entry lands in the layer of its name, transposed; fc and num_batches_tracked are ignored`, () => {
      const keys = KEYS[`torchvision-resnet${depth}`]!;
      const model = resnet({ depth, inputShape: [32, 32, 3] });
      const report = loadStateDict(model, formulaStateDict(keys));
      const ignored = names(keys).filter((n) => n.startsWith('fc.') || isCount(n));
      expect(report).toEqual({
        layout: 'torchvision',
        loaded: names(keys).filter((n) => !ignored.includes(n)),
        ignored,
        missing: [],
        notes: [],
      });
      const weights = weightsByName(model);
      expect(weights.size).toBe(report.loaded.length);
      for (const [key, shape] of keys) {
        if (ignored.includes(key)) continue;
        expect(formulaMismatches(weights.get(resnetWeightName(key))!, key, shape), key).toBe(0);
      }
      model.dispose();
    });
  }

  it("lightly's SimCLR example: backbone.0 is conv1, backbone.4 … 7 layer1 … 4; SimCLRProjectionHead's last batch norm is folded into head.linear2", () => {
    const keys = KEYS['lightly-simclr-resnet18']!;
    const model = new SimCLRModel({
      encoder: resnet({ depth: 18, inputShape: [32, 32, 3] }),
      head: projectionHead({ inputDim: 512 }),
    });
    const report = loadStateDict(model, formulaStateDict(keys));
    expect(report.layout).toBe('lightly');
    expect(report.ignored).toEqual(names(keys).filter(isCount));
    expect(report.loaded).toEqual(names(keys).filter((n) => !isCount(n)));
    expect(report.notes).toEqual([
      expect.stringMatching(
        /^projection_head\.layers\.4 \(batch norm, ε = 1e-5\) folded into head\.linear2: exact in inference/,
      ),
    ]);
    const weights = weightsByName(model.encoder, model.head);
    expectBackbone(weights, keys, fromLightly);
    expect(weights.get('layer1.0.conv1/kernel')).toBeDefined();
    for (const [ours, theirs] of [
      ['head.linear1/kernel', 'projection_head.layers.0.weight'],
      ['head.bn1/gamma', 'projection_head.layers.1.weight'],
      ['head.bn1/beta', 'projection_head.layers.1.bias'],
      ['head.bn1/moving_mean', 'projection_head.layers.1.running_mean'],
      ['head.bn1/moving_variance', 'projection_head.layers.1.running_var'],
    ] as const) {
      expect(formulaMismatches(weights.get(ours)!, theirs, keyEntry(keys, theirs)[1]), ours).toBe(0);
    }
    model.dispose();
  });

  it("lightly's ProjectionHead with projectionHead's blocks (Linear, BatchNorm1d, ReLU, biased Linear) loads as it is", () => {
    const keys = KEYS['lightly-projection-head-resnet18']!;
    const model = new SimCLRModel({
      encoder: resnet({ depth: 18, inputShape: [32, 32, 3] }),
      head: projectionHead({ inputDim: 512 }),
    });
    const report = loadStateDict(model, formulaStateDict(keys), { layout: 'lightly' });
    expect(report.notes).toEqual([]);
    expect(report.ignored).toEqual(names(keys).filter(isCount));
    const weights = weightsByName(model.encoder, model.head);
    expectBackbone(weights, keys, fromLightly);
    for (const [ours, theirs] of [
      ['head.linear1/kernel', 'projection_head.layers.0.weight'],
      ['head.bn1/moving_variance', 'projection_head.layers.1.running_var'],
      ['head.linear2/kernel', 'projection_head.layers.3.weight'],
      ['head.linear2/bias', 'projection_head.layers.3.bias'],
    ] as const) {
      expect(formulaMismatches(weights.get(ours)!, theirs, keyEntry(keys, theirs)[1]), ours).toBe(0);
    }
    model.dispose();
  });

  it("solo-learn's SimCLR on CIFAR: backbone.* under torchvision's names, projector.* into a head without batch norm, the classifier ignored", () => {
    const keys = KEYS['solo-simclr-resnet18-cifar']!;
    const model = new SimCLRModel({
      encoder: resnet({ depth: 18, stem: 'cifar', inputShape: [32, 32, 3] }),
      head: projectionHead({ inputDim: 512, hiddenDim: 2048, outputDim: 256, batchNorm: false }),
    });
    const report = loadStateDict(model, formulaStateDict(keys));
    expect(report.layout).toBe('solo-learn');
    expect(report.ignored).toEqual(names(keys).filter((n) => n.startsWith('classifier.') || isCount(n)));
    expect(report.notes).toEqual([expect.stringMatching(/solo-learn's CIFAR conv1 pads by 2/)]);
    const weights = weightsByName(model.encoder, model.head);
    expectBackbone(weights, keys, fromSolo);
    for (const [ours, theirs] of [
      ['head.linear1/kernel', 'projector.0.weight'],
      ['head.linear1/bias', 'projector.0.bias'],
      ['head.linear2/kernel', 'projector.2.weight'],
      ['head.linear2/bias', 'projector.2.bias'],
    ] as const) {
      expect(formulaMismatches(weights.get(ours)!, theirs, keyEntry(keys, theirs)[1]), ours).toBe(0);
    }
    model.dispose();
  });

  it("solo-learn's BYOL: the projector's Linear bias is folded into head.bn1's moving mean (μ − b); momentum copies, predictor and classifier are ignored", () => {
    const keys = KEYS['solo-byol-resnet18']!;
    const model = new SimCLRModel({
      encoder: resnet({ depth: 18, inputShape: [32, 32, 3] }),
      head: projectionHead({ inputDim: 512, hiddenDim: 4096, outputDim: 256 }),
    });
    const report = loadStateDict(model, formulaStateDict(keys));
    expect(report.layout).toBe('solo-learn');
    const other = /^(classifier|momentum_backbone|momentum_projector|predictor)\./;
    expect(report.ignored).toEqual(names(keys).filter((n) => other.test(n) || isCount(n)));
    expect(report.loaded).toEqual(names(keys).filter((n) => !other.test(n) && !isCount(n)));
    expect(report.notes).toEqual([
      expect.stringMatching(/^projector\.0\.bias folded into head\.bn1\/moving_mean/),
    ]);
    const weights = weightsByName(model.encoder, model.head);
    expectBackbone(weights, keys, fromSolo);
    const mean = formulaTensor('projector.1.running_mean', [4096]).data as Float32Array;
    const bias = formulaTensor('projector.0.bias', [4096]).data as Float32Array;
    const folded = weights.get('head.bn1/moving_mean')!.read().dataSync();
    expect(Array.from(folded)).toEqual(Array.from(mean, (m, j) => Math.fround(m - bias[j]!)));
    expect(weights.get('head.linear1/bias')).toBeUndefined();
    model.dispose();
  });

  it("reads keys that all start with nn.DataParallel's 'module.'", () => {
    const keys = KEYS['torchvision-resnet18']!.map(([n, s, d]): KeyEntry => [`module.${n}`, s, d]);
    const model = resnet({ depth: 18, inputShape: [32, 32, 3] });
    const report = loadStateDict(model, formulaStateDict(keys));
    expect(report.layout).toBe('torchvision');
    expect(report.notes).toEqual([expect.stringMatching(/every key starts with 'module\.'/)]);
    const weights = weightsByName(model);
    expect(
      formulaMismatches(
        weights.get('layer4.1.conv2/kernel')!,
        'module.layer4.1.conv2.weight',
        [512, 512, 3, 3],
      ),
    ).toBe(0);
    model.dispose();
  });

  it('loads an encoder alone from a whole SimCLR state dict, the head entries ignored, and a head alone', () => {
    const keys = KEYS['lightly-projection-head-resnet18']!;
    const sd = formulaStateDict(keys);
    const encoder = resnet({ depth: 18, inputShape: [32, 32, 3] });
    const a = loadStateDict(encoder, sd);
    expect(a.ignored).toEqual(names(keys).filter((n) => n.startsWith('projection_head.') || isCount(n)));
    const head = projectionHead({ inputDim: 512 });
    const b = loadStateDict(head, sd);
    expect(b.loaded).toEqual(names(keys).filter((n) => n.startsWith('projection_head.') && !isCount(n)));
    encoder.dispose();
    head.dispose();
  });
});

interface HeadCase {
  name: string;
  keys: KeyEntry[];
  inputDim: number;
  shape: number[];
  z: number[];
}

/** The projectionHead options that build each head, and what loadStateDict says of it. */
const HEAD_CASES: Record<
  string,
  { options: Parameters<typeof projectionHead>[0]; layout: string; notes: RegExp[] }
> = {
  'lightly-projection-head': { options: { inputDim: 512, outputDim: 128 }, layout: 'lightly', notes: [] },
  'lightly-simclr-head': {
    options: { inputDim: 512, outputDim: 128 },
    layout: 'lightly',
    notes: [/^projection_head\.layers\.4 \(batch norm, ε = 1e-5\) folded into head\.linear2/],
  },
  'lightly-simclr-head-3': {
    options: { inputDim: 512, hiddenDim: 256, outputDim: 64, layers: 3 },
    layout: 'lightly',
    notes: [/^projection_head\.layers\.7 \(batch norm, ε = 1e-5\) folded into head\.linear3/],
  },
  'lightly-simclr-head-no-bn': {
    options: { inputDim: 512, outputDim: 128, batchNorm: false },
    layout: 'lightly',
    notes: [],
  },
  'solo-simclr-projector': {
    options: { inputDim: 512, hiddenDim: 256, outputDim: 64, batchNorm: false },
    layout: 'solo-learn',
    notes: [],
  },
  'solo-byol-projector': {
    options: { inputDim: 512, hiddenDim: 256, outputDim: 64 },
    layout: 'solo-learn',
    notes: [/^projector\.0\.bias folded into head\.bn1\/moving_mean/],
  },
};

describeBackends('loadStateDict: heads against PyTorch', ['cpu', 'wasm', 'webgl', 'webgpu'], (backend) => {
  for (const c of heads.cases as unknown as HeadCase[]) {
    const expected = HEAD_CASES[c.name]!;
    it(`${c.name}: z equals PyTorch's eval-mode output`, () => {
      const head = projectionHead(expected.options);
      const report = loadStateDict(head, formulaStateDict(c.keys));
      expect(report.layout).toBe(expected.layout);
      expect(report.ignored).toEqual(names(c.keys).filter(isCount));
      expect(report.notes).toEqual(expected.notes.map((n) => expect.stringMatching(n)));
      const h = formulaFeatures(2, c.inputDim);
      const z = head.predict(h) as tf.Tensor;
      expect(z.shape).toEqual(c.shape);
      const ours = z.dataSync();
      tf.dispose([h, z]);
      head.dispose();
      const scale = Math.max(...c.z.map(Math.abs));
      const error = Math.max(...c.z.map((t, i) => Math.abs(ours[i]! - t))) / scale;
      expect(error).toBeLessThan(backend === 'webgl' ? 1e-4 : 1e-5);
    });
  }
});

describe('inferResNetOptions', () => {
  const cases: [string, KeyEntry[], object][] = [
    [
      'torchvision-resnet18',
      KEYS['torchvision-resnet18']!,
      { depth: 18, stem: 'imagenet', widthMultiplier: 1 },
    ],
    [
      'torchvision-resnet34',
      KEYS['torchvision-resnet34']!,
      { depth: 34, stem: 'imagenet', widthMultiplier: 1 },
    ],
    [
      'torchvision-resnet50',
      KEYS['torchvision-resnet50']!,
      { depth: 50, stem: 'imagenet', widthMultiplier: 1 },
    ],
    [
      'torchvision-resnet101',
      KEYS['torchvision-resnet101']!,
      { depth: 101, stem: 'imagenet', widthMultiplier: 1 },
    ],
    [
      "SimCLR's ResNet-50 (2×)",
      KEYS['simclr-resnet50-x2']!,
      { depth: 50, stem: 'imagenet', widthMultiplier: 2 },
    ],
    ['the CIFAR stem', r18c.keys as KeyEntry[], { depth: 18, stem: 'cifar', widthMultiplier: 1 }],
    [
      "lightly's SimCLR",
      KEYS['lightly-simclr-resnet18']!,
      {
        layout: 'lightly',
        depth: 18,
        head: { inputDim: 512, hiddenDim: 512, outputDim: 128, layers: 2, batchNorm: true },
      },
    ],
    [
      "solo-learn's SimCLR on CIFAR",
      KEYS['solo-simclr-resnet18-cifar']!,
      {
        layout: 'solo-learn',
        stem: 'cifar',
        head: { inputDim: 512, hiddenDim: 2048, outputDim: 256, layers: 2, batchNorm: false },
      },
    ],
    [
      "solo-learn's BYOL",
      KEYS['solo-byol-resnet18']!,
      { head: { inputDim: 512, hiddenDim: 4096, outputDim: 256, layers: 2, batchNorm: true } },
    ],
  ];
  for (const [name, keys, want] of cases) {
    it(`reads ${name}`, () => {
      const got = inferResNetOptions(zeroStateDict(keys));
      expect(got).toMatchObject({ inputChannels: 3, ...want });
    });
  }

  const refused: [string, KeyEntry[], RegExp][] = [
    [
      "torchvision's wide_resnet50_2, which is not SimCLR's width multiplier",
      KEYS['torchvision-wide_resnet50_2']!,
      /it is torchvision's wide_resnet50_2 \(width_per_group=128\): only the inner 3×3 of each bottleneck is twice as wide .*resnet's widthMultiplier widens every layer, the stem's included, as SimCLR's ResNet-50 \(2×\), and cannot build it/,
    ],
    ['ResNeXt', KEYS['torchvision-resnext50_32x4d']!, /grouped .*resnext/],
    ['a state dict without conv1', [['linear.weight', [2, 2], 'float32']], /no 4-d conv1\.weight/],
    [
      'a ResNet of another depth',
      KEYS['torchvision-resnet18']!.filter(([n]) => !n.startsWith('layer3.1.')),
      /basic blocks per stage, \[2,2,1,2\], are none of resnet's depths/,
    ],
  ];
  for (const [name, keys, message] of refused) {
    it(`refuses ${name}`, () => {
      let error: unknown;
      try {
        inferResNetOptions(zeroStateDict(keys));
      } catch (e) {
        error = e;
      }
      expect(SimclrError.is(error)).toBe(true);
      expect((error as SimclrError).code).toBe('mismatch');
      expect((error as SimclrError).message).toMatch(
        /^inferResNetOptions: the state dict \(layout torchvision\): /,
      );
      expect((error as SimclrError).message).toMatch(message);
    });
  }

  it('rejects what is not a state dict', () => {
    expect(() => inferResNetOptions({} as never)).toThrow(/stateDict must be a StateDict/);
    expect(() => inferResNetOptions(new Map(), { layout: 'keras' as never })).toThrow(
      /layout must be one of/,
    );
  });
});

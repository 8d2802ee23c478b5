import { SimclrError } from '@simclr/core';
import { loadStateDict, projectionHead, resnet, SimCLRModel, type StateDict } from '@simclr/models';
import { describeBackends } from '@simclr/test-utils';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { changed, formulaMismatches, snapshot, weightsByName } from './fixtures/parity/expect-weights.js';
import { formulaStateDict, type KeyEntry } from './fixtures/parity/formula.js';
import heads from './fixtures/parity/heads.json' with { type: 'json' };
import keyLists from './fixtures/parity/keys.json' with { type: 'json' };

/**
 * State dicts that do not fit the model: one SimclrError (code 'mismatch') that lists the first
 * mismatches, and not one weight changed, though most entries of each row fit and would load. Key
 * lists are PyTorch's (fixtures/parity/make_parity_fixtures.py); values come from the formula.
 */
const KEYS = keyLists as unknown as Record<string, KeyEntry[]>;
const HEADS = Object.fromEntries(
  (heads.cases as unknown as { name: string; keys: KeyEntry[] }[]).map((c) => [c.name, c.keys]),
);

const resnet18 = () => resnet({ depth: 18, inputShape: [32, 32, 3] });
const resnet50 = () => resnet({ depth: 50, inputShape: [32, 32, 3] });
const simclr18 = (head: Parameters<typeof projectionHead>[0] = { inputDim: 512 }) =>
  new SimCLRModel({ encoder: resnet18(), head: projectionHead(head) });
const r18 = KEYS['torchvision-resnet18']!;

function models(target: tfl.LayersModel | SimCLRModel): tfl.LayersModel[] {
  return target instanceof SimCLRModel ? [target.encoder, target.head] : [target];
}

interface Row {
  name: string;
  model: () => tfl.LayersModel | SimCLRModel;
  keys: KeyEntry[];
  options?: Parameters<typeof loadStateDict>[2];
  message: RegExp[];
}

const ROWS: Row[] = [
  {
    name: 'wrong depth: torchvision resnet34 into resnet18',
    model: resnet18,
    keys: KEYS['torchvision-resnet34']!,
    message: [
      /^loadStateDict: the state dict \(layout 'torchvision', detected\) does not fit the model \(\d+ unexpected\); nothing was loaded/,
      /unexpected in the checkpoint \(\d+\):\n {4}layer1\.2\.conv1\.weight \[64,64,3,3\]/,
      /The checkpoint holds resnet\(\{ depth: 34, stem: 'imagenet', widthMultiplier: 1 \}\) with 3-channel images; the model is resnet\(\{ depth: 18, stem: 'imagenet', widthMultiplier: 1 \}\)/,
    ],
  },
  {
    name: "wrong width: SimCLR's ResNet-50 (2×) into resnet50",
    model: resnet50,
    keys: KEYS['simclr-resnet50-x2']!,
    message: [
      /wrong shape \(\d+\):\n {4}conv1\.weight: \[128,3,7,7\] in the checkpoint, \[64,3,7,7\] in the model \(conv1\/kernel \[7,7,3,64\]\)\n {4}bn1\.weight: \[128\] in the checkpoint, \[64\] in the model\n/,
      /… and \d+ more/,
      /The checkpoint holds resnet\(\{ depth: 50, stem: 'imagenet', widthMultiplier: 2 \}\)/,
    ],
  },
  {
    name: "torchvision's wide_resnet50_2 into resnet50",
    model: resnet50,
    keys: KEYS['torchvision-wide_resnet50_2']!,
    message: [
      /layer1\.0\.conv1\.weight: \[128,64,1,1\] in the checkpoint, \[64,64,1,1\] in the model/,
      /The checkpoint's encoder: it is torchvision's wide_resnet50_2 \(width_per_group=128\).*resnet's widthMultiplier widens every layer/,
    ],
  },
  {
    name: 'a missing key',
    model: resnet18,
    keys: r18.filter(([n]) => n !== 'layer2.1.bn2.running_var'),
    message: [
      /\(1 missing\)/,
      /missing from the checkpoint \(1\):\n {4}layer2\.1\.bn2\.running_var \(layer2\.1\.bn2\/moving_variance \[128\]\)$/,
    ],
  },
  {
    name: 'a wrong shape',
    model: resnet18,
    keys: r18.map(
      ([n, s, d]): KeyEntry => (n === 'layer3.0.downsample.0.weight' ? [n, [256, 128, 3, 3], d] : [n, s, d]),
    ),
    message: [
      /\(1 with the wrong shape\)/,
      /layer3\.0\.downsample\.0\.weight: \[256,128,3,3\] in the checkpoint, \[256,128,1,1\] in the model \(layer3\.0\.downsample\.0\/kernel \[1,1,128,256\]\)/,
    ],
  },
  {
    name: 'an unexpected key',
    model: resnet18,
    keys: [...r18, ['layer1.0.conv1.bias', [64], 'float32']],
    message: [/unexpected in the checkpoint \(1\):\n {4}layer1\.0\.conv1\.bias \[64\]/],
  },
  {
    name: 'the CIFAR stem into the ImageNet stem',
    model: resnet18,
    keys: r18.map(([n, s, d]): KeyEntry => (n === 'conv1.weight' ? [n, [64, 3, 3, 3], d] : [n, s, d])),
    message: [
      /conv1\.weight: \[64,3,3,3\] in the checkpoint, \[64,3,7,7\] in the model/,
      /The checkpoint holds resnet\(\{ depth: 18, stem: 'cifar'/,
    ],
  },
  {
    name: "lightly's names read as torchvision's",
    model: () => simclr18(),
    keys: KEYS['lightly-projection-head-resnet18']!,
    options: { layout: 'torchvision' },
    message: [
      /\(layout 'torchvision'\)/,
      /unexpected in the checkpoint \(\d+\):\n {4}backbone\.0\.weight/,
      /missing from the checkpoint/,
    ],
  },
  {
    name: 'a head without batch norm into a head with it',
    model: () =>
      new SimCLRModel({
        encoder: resnet({ depth: 18, stem: 'cifar', inputShape: [32, 32, 3] }),
        head: projectionHead({ inputDim: 512, hiddenDim: 2048, outputDim: 256 }),
      }),
    keys: KEYS['solo-simclr-resnet18-cifar']!,
    message: [
      /\(layout 'solo-learn', detected\)/,
      /head layers that do not correspond \(1\):\n {4}head\.bn1: the model has a batch norm after head\.linear1, the checkpoint none after projector\.0/,
    ],
  },
  {
    name: 'a 3-layer head into a 2-layer head',
    model: () => simclr18({ inputDim: 512, hiddenDim: 256, outputDim: 64 }),
    keys: [...r18.filter(([n]) => !n.startsWith('fc.')), ...HEADS['lightly-simclr-head-3']!],
    message: [
      /the checkpoint's head has 3 Linear layers \(projection_head\.layers\.0, projection_head\.layers\.3, projection_head\.layers\.6\), the model's 2 \(head\.linear1, head\.linear2\)/,
    ],
  },
  {
    name: 'a head of other widths',
    model: () => simclr18({ inputDim: 512, hiddenDim: 512, outputDim: 256 }),
    keys: KEYS['solo-byol-resnet18']!,
    message: [
      /projector\.0\.weight: \[4096,512\] in the checkpoint, \[512,512\] in the model \(head\.linear1\/kernel \[512,512\]\)/,
    ],
  },
  {
    name: 'a whole SimCLR state dict without its head, strictly',
    model: () => simclr18(),
    keys: r18,
    message: [/missing from the checkpoint \(7\):\n {4}head\.linear1\/kernel \[512,512\]/],
  },
];

// Names and shapes do not depend on the backend: cpu in Node, webgl in the browser (the numeric checks
// against PyTorch run on every backend).
describeBackends('loadStateDict: state dicts that do not fit', ['cpu', 'webgl'], () => {
  for (const row of ROWS) {
    it(`${row.name}: one SimclrError 'mismatch', no weight changed`, () => {
      const model = row.model();
      const before = snapshot(...models(model));
      let error: unknown;
      try {
        loadStateDict(model, formulaStateDict(row.keys), row.options);
      } catch (e) {
        error = e;
      }
      const after = snapshot(...models(model));
      model.dispose();
      expect(SimclrError.is(error)).toBe(true);
      expect((error as SimclrError).code).toBe('mismatch');
      for (const m of row.message) expect((error as SimclrError).message).toMatch(m);
      expect(changed(before, after)).toEqual([]);
    });
  }

  it('strict: false loads what fits and reports the rest; a weight without an entry keeps its values', () => {
    const model = resnet18();
    const before = snapshot(model);
    const keys: KeyEntry[] = [
      ...r18.filter(([n]) => n !== 'layer2.1.bn2.running_var'),
      ['projector.9.weight', [3, 3], 'float32'],
    ];
    const report = loadStateDict(model, formulaStateDict(keys), { strict: false });
    expect(report.missing).toEqual(['layer2.1.bn2/moving_variance']);
    expect(report.ignored).toContain('projector.9.weight');
    expect(changed(before, snapshot(model))).toHaveLength(model.weights.length - 1);
    const weights = weightsByName(model);
    expect(
      weights
        .get('layer2.1.bn2/moving_variance')!
        .read()
        .dataSync()
        .every((v) => v === 1),
    ).toBe(true);
    expect(
      formulaMismatches(weights.get('layer2.1.bn2/moving_mean')!, 'layer2.1.bn2.running_mean', [128]),
    ).toBe(0);
    model.dispose();
  });

  it('strict: false still refuses a wrong shape', () => {
    const model = resnet18();
    const keys = r18.map(([n, s, d]): KeyEntry => (n === 'bn1.weight' ? [n, [32], d] : [n, s, d]));
    expect(() => loadStateDict(model, formulaStateDict(keys), { strict: false })).toThrow(
      /bn1\.weight: \[32\] in the checkpoint, \[64\] in the model/,
    );
    model.dispose();
  });

  it('rejects bad arguments with invalid-argument', () => {
    const model = projectionHead({ inputDim: 4, outputDim: 2 });
    const sd: StateDict = new Map();
    const cases: [() => unknown, RegExp][] = [
      [() => loadStateDict({} as never, sd), /target must be a SimCLRModel or a tf\.LayersModel, got/],
      [() => loadStateDict(model, [] as never), /stateDict must be a StateDict/],
      [
        () => loadStateDict(model, new Map([['a', 1]]) as never),
        /stateDict must map names to \{ dtype, shape, data \} tensors/,
      ],
      [
        () => loadStateDict(model, sd, { layout: 'keras' as never }),
        /layout must be one of "auto", "torchvision", "lightly", "solo-learn", got "keras"/,
      ],
      [() => loadStateDict(model, sd, { strict: 1 as never }), /strict must be true or false/],
    ];
    for (const [call, message] of cases) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(SimclrError.is(error)).toBe(true);
      expect((error as SimclrError).code).toBe('invalid-argument');
      expect((error as SimclrError).message).toMatch(message);
    }
    model.dispose();
  });
});

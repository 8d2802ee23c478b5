import { createRng, SimclrError } from '@simclr/core';
import {
  exportStateDict,
  loadSimCLRModel,
  loadStateDict,
  projectionHead,
  resnet,
  SimCLRModel,
  smallCnn,
} from '@simclr/models';
import { describeBackends } from '@simclr/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { changed, snapshot } from './fixtures/parity/expect-weights.js';
import type { KeyEntry } from './fixtures/parity/formula.js';
import keyLists from './fixtures/parity/keys.json' with { type: 'json' };

/**
 * exportStateDict against what PyTorch says: fixtures/parity/make_parity_fixtures.py records
 * torchvision's resnet18 key list, the key list of resnet18 + lightly's ProjectionHead laid out as
 * exportStateDict writes it, and what `torchvision.models.resnet18().load_state_dict(sd, strict=False)`
 * reports for it, with and without num_batches_tracked.
 */
const KEYS = keyLists as unknown as Record<string, KeyEntry[]>;
const TORCH_REPORT = (keyLists as unknown as Record<string, Record<string, string[]>>)['export-load-report']!;

function randomize(models: tfl.LayersModel[], seed: number): void {
  for (const model of models) {
    for (const w of model.weights) {
      const values = tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', seed++);
      w.write(values);
      values.dispose();
    }
  }
}

// Names and shapes do not depend on the backend: cpu in Node, webgl in the browser (the numeric checks
// against PyTorch run on every backend).
describeBackends('exportStateDict', ['cpu', 'wasm', 'webgl'], () => {
  it("writes torchvision's resnet18 keys in PyTorch's order and lightly's head; PyTorch's load_state_dict(strict=False) takes every encoder entry", () => {
    const model = new SimCLRModel({
      encoder: resnet({ depth: 18, inputShape: [32, 32, 3] }),
      head: projectionHead({ inputDim: 512 }),
    });
    const sd = exportStateDict(model);
    model.dispose();
    const written = [...sd].map(([name, t]) => [name, t.shape, t.dtype === 'int64' ? 'int64' : t.dtype]);
    expect(written).toEqual(KEYS['export-resnet18-lightly-head']);
    for (const [name, t] of sd) {
      expect(t.dtype, name).toBe(name.endsWith('.num_batches_tracked') ? 'int64' : 'float32');
      expect(t.data.length, name).toBe(t.shape.reduce((a, b) => a * b, 1));
    }
    const torchvision = KEYS['torchvision-resnet18']!.map(([n]) => n);
    expect(TORCH_REPORT['missing']).toEqual(torchvision.filter((n) => !sd.has(n)));
    expect(TORCH_REPORT['missing']).toEqual(['fc.weight', 'fc.bias']);
    expect(TORCH_REPORT['unexpected']).toEqual([...sd.keys()].filter((n) => !torchvision.includes(n)));
    expect(TORCH_REPORT['unexpected']!.every((n) => n.startsWith('projection_head.layers.'))).toBe(true);
  });

  it('numBatchesTracked: false leaves the counts out, which PyTorch fills in', () => {
    const model = resnet({ depth: 18, inputShape: [32, 32, 3] });
    const sd = exportStateDict(model, { numBatchesTracked: false });
    model.dispose();
    const withCounts = KEYS['export-resnet18-lightly-head']!.map(([n]) => n);
    expect([...sd.keys()]).toEqual(
      withCounts.filter((n) => !n.endsWith('.num_batches_tracked') && !n.startsWith('projection_head.')),
    );
    expect(TORCH_REPORT['missingWithoutCounts']).toEqual(['fc.weight', 'fc.bias']);
  });

  for (const head of [
    { inputDim: 512, hiddenDim: 64, outputDim: 32, layers: 3 },
    { inputDim: 512, outputDim: 32, batchNorm: false },
    { inputDim: 512, outputDim: 32, layers: 1 },
  ]) {
    it(`round trip through a fresh model gives every weight back bit for bit (head ${JSON.stringify(head)})`, () => {
      const build = (seed: number) =>
        new SimCLRModel({
          encoder: resnet({
            depth: 50,
            stem: 'cifar',
            inputShape: [16, 16, 3],
            widthMultiplier: 0.25,
            rng: createRng(seed),
          }),
          head: projectionHead({ ...head, rng: createRng(seed) }),
        });
      const a = build(1);
      const b = build(2);
      randomize([a.encoder, a.head], 100);
      const sd = exportStateDict(a);
      const report = loadStateDict(b, sd);
      expect(report.layout).toBe('torchvision');
      expect(report.notes).toEqual([]);
      expect(report.ignored).toEqual([...sd.keys()].filter((n) => n.endsWith('.num_batches_tracked')));
      expect(report.loaded).toEqual([...sd.keys()].filter((n) => !n.endsWith('.num_batches_tracked')));
      const before = snapshot(a.encoder, a.head);
      const after = snapshot(b.encoder, b.head);
      expect([...after.keys()]).toEqual([...before.keys()]);
      expect(changed(before, after)).toEqual([]);
      a.dispose();
      b.dispose();
    });
  }

  it('a model restored by loadSimCLRModel exports the same state dict', async () => {
    const model = new SimCLRModel({
      encoder: resnet({ depth: 18, stem: 'cifar', inputShape: [8, 8, 3], widthMultiplier: 0.25 }),
      head: projectionHead({ inputDim: 128, outputDim: 16 }),
    });
    randomize([model.encoder, model.head], 7);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const restored = await loadSimCLRModel(tf.io.fromMemory(artifacts!));
    const a = exportStateDict(model);
    const b = exportStateDict(restored);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, t] of a) expect(b.get(name)!.data, name).toEqual(t.data);
    model.dispose();
    restored.dispose();
  });

  it("writes other models' layers under their own names, and reads them back", () => {
    const model = smallCnn({ inputShape: [8, 8, 3], widths: [4, 8] });
    randomize([model], 3);
    const sd = exportStateDict(model);
    expect([...sd].map(([n, t]) => [n, t.shape])).toEqual([
      ['stage1.conv.weight', [4, 3, 3, 3]],
      ['stage1.bn.weight', [4]],
      ['stage1.bn.bias', [4]],
      ['stage1.bn.running_mean', [4]],
      ['stage1.bn.running_var', [4]],
      ['stage1.bn.num_batches_tracked', []],
      ['stage2.conv.weight', [8, 4, 3, 3]],
      ['stage2.bn.weight', [8]],
      ['stage2.bn.bias', [8]],
      ['stage2.bn.running_mean', [8]],
      ['stage2.bn.running_var', [8]],
      ['stage2.bn.num_batches_tracked', []],
    ]);
    const fresh = smallCnn({ inputShape: [8, 8, 3], widths: [4, 8], rng: createRng(5) });
    loadStateDict(fresh, sd);
    expect(changed(snapshot(model), snapshot(fresh))).toEqual([]);
    model.dispose();
    fresh.dispose();
  });

  it('refuses a weight that PyTorch layers do not have', () => {
    const input = tfl.input({ shape: [4, 4, 2] });
    const output = tfl.layers
      .depthwiseConv2d({ kernelSize: 3, name: 'dw' })
      .apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    let error: unknown;
    try {
      exportStateDict(model);
    } catch (e) {
      error = e;
    }
    model.dispose();
    expect(SimclrError.is(error)).toBe(true);
    expect((error as SimclrError).message).toMatch(
      /the model's weight 'dw\/depthwise_kernel' \[3,3,2,1\] has no counterpart/,
    );
    expect(() => exportStateDict(42 as never)).toThrow(/model must be a SimCLRModel or a tf\.LayersModel/);
  });
});

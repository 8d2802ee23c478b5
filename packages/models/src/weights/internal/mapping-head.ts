import { type HeadGroup, ourHeadGroups } from '../head-names.js';
import { toFloat32 } from '../state-dict.js';
import { type TorchModuleKind, torchModuleKind, torchShapeOfKernel } from '../torchvision-names.js';
import type { Entry, SplitStateDict } from './mapping-layout.js';
import { formatShape } from './mapping-mismatch.js';
import { assign, ignore, once, type Plan, unexpected } from './mapping-plan.js';
import type { TargetWeight } from './mapping-target.js';
import { foldBatchNormIntoLinear, foldBiasIntoMean, transpose2d } from './mapping-values.js';

/** One module of a PyTorch head: its `nn.Sequential` index, full key prefix and entries. */
export interface TorchHeadModule {
  index: number;
  /** `projection_head.layers.1`. */
  module: string;
  kind: TorchModuleKind;
  params: Map<string, Entry>;
}

/** A PyTorch head read as groups (a Linear and the batch norm after it), or why it cannot be. */
export interface TorchHead {
  groups: HeadGroup<TorchHeadModule>[];
  /** Entries of no Linear or batch norm, or of a batch norm that follows no Linear. */
  stray: Entry[];
}

/** Reads the head's entries (`<index>.<param>`) as groups, in index order. */
export function torchHead(split: SplitStateDict): TorchHead {
  const byIndex = new Map<number, Map<string, Entry>>();
  const stray: Entry[] = [];
  for (const [rest, entry] of split.head) {
    const match = /^(\d+)\.([^.]+)$/.exec(rest);
    if (match === null) {
      stray.push(entry);
      continue;
    }
    const index = Number(match[1]);
    const params = byIndex.get(index) ?? new Map();
    byIndex.set(index, params);
    params.set(match[2]!, entry);
  }
  const groups: HeadGroup<TorchHeadModule>[] = [];
  const prefix = split.strippedPrefix + split.headPrefix;
  for (const index of [...byIndex.keys()].sort((a, b) => a - b)) {
    const params = byIndex.get(index)!;
    const kind = torchModuleKind(new Map([...params].map(([p, e]) => [p, e.tensor.shape])));
    const module = `${prefix}${index}`;
    if (kind === undefined || kind === 'conv') {
      stray.push(...params.values());
      continue;
    }
    const m: TorchHeadModule = { index, module, kind, params };
    const last = groups.at(-1);
    if (kind === 'linear') {
      groups.push({ linear: m });
    } else if (last !== undefined && last.batchNorm === undefined) {
      last.batchNorm = m;
    } else {
      stray.push(...params.values());
    }
  }
  return { groups, stray };
}

const BN_WEIGHTS = [
  ['weight', 'gamma'],
  ['bias', 'beta'],
  ['running_mean', 'moving_mean'],
  ['running_var', 'moving_variance'],
] as const;

/** The head's dimensions as `projectionHead` options, when the head is one it can build. */
export interface HeadShape {
  inputDim: number;
  hiddenDim: number;
  outputDim: number;
  layers: number;
  batchNorm: boolean;
}

/**
 * Plans the head: the i-th Linear of the checkpoint goes to `head.linear<i>` (weight transposed), the
 * batch norm after it to `head.bn<i>`. Where the two differ in a way that an exact rewrite bridges, it is
 * rewritten and said in `plan.notes`:
 *
 * - a Linear bias before a batch norm, where the model's Linear has none: folded into the moving mean
 *   (μ − b), exact in inference and training;
 * - a batch norm after the last Linear (lightly's `SimCLRProjectionHead` since 1.4.3), where the model's
 *   last Linear has a bias and no batch norm: folded into that Linear, exact in inference only;
 * - a Linear without bias where the model's has one: the bias is set to 0.
 *
 * Everything else that differs is a mismatch.
 */
export function planHead(split: SplitStateDict, targets: readonly TargetWeight[], plan: Plan): void {
  // No head in the checkpoint: the model's head weights are missing, as any other weight would be.
  if (split.head.size === 0) return;
  const byName = new Map(targets.map((t) => [t.name, t]));
  const theirs = torchHead(split);
  const ours = ourHeadGroups(targets.map((t) => t.name));
  for (const e of theirs.stray) unexpected(plan, e.key);
  if (theirs.groups.length !== ours.length) {
    const list = (names: string[]) => (names.length === 0 ? '' : ` (${names.join(', ')})`);
    plan.mismatches.structure.push(
      `the checkpoint's head has ${theirs.groups.length} Linear layers${list(theirs.groups.map((g) => g.linear.module))}, the model's ${ours.length}${list(ours.map((g) => g.linear))}`,
    );
    for (const e of split.head.values()) plan.handled.add(e.key);
    for (const t of targets) plan.covered.add(t.name);
    return;
  }
  ours.forEach((group, g) => {
    planGroup(theirs.groups[g]!, group, byName, plan);
  });
}

function planGroup(
  c: HeadGroup<TorchHeadModule>,
  t: HeadGroup<string>,
  byName: ReadonlyMap<string, TargetWeight>,
  plan: Plan,
): void {
  const linW = c.linear.params.get('weight');
  const linB = c.linear.params.get('bias');
  for (const [param, e] of c.linear.params) {
    if (param !== 'weight' && param !== 'bias') {
      unexpected(plan, e.key);
    }
  }
  const kernel = byName.get(`${t.linear}/kernel`);
  const bias = byName.get(`${t.linear}/bias`);
  /** Once a group is found not to fit, that one mismatch accounts for its entries and weights. */
  const abandon = () => {
    for (const e of [...c.linear.params.values(), ...(c.batchNorm?.params.values() ?? [])]) {
      plan.handled.add(e.key);
    }
    for (const name of byName.keys()) {
      const layer = name.slice(0, name.lastIndexOf('/'));
      if (layer === t.linear || layer === t.batchNorm) plan.covered.add(name);
    }
  };
  if (linW === undefined || kernel === undefined) return; // reported as missing / unexpected by the caller
  const want = torchShapeOfKernel(kernel.shape);
  if (formatShape(want) !== formatShape(linW.tensor.shape)) {
    plan.mismatches.wrongShape.push(
      `${linW.key}: ${formatShape(linW.tensor.shape)} in the checkpoint, ${formatShape(want)} in the model (${kernel.name} ${formatShape(kernel.shape)})`,
    );
    abandon();
    return;
  }
  const out = want[0]!;
  const vector = (e: Entry | undefined, what: string): boolean => {
    if (e === undefined || formatShape(e.tensor.shape) === formatShape([out])) return true;
    plan.mismatches.wrongShape.push(
      `${e.key}: ${formatShape(e.tensor.shape)} in the checkpoint, ${formatShape([out])} in the model (${what})`,
    );
    return false;
  };
  if (!vector(linB, `${t.linear}/bias`)) {
    abandon();
    return;
  }
  const cBn = c.batchNorm;
  if (cBn !== undefined) {
    for (const [param, e] of cBn.params) {
      if (param === 'num_batches_tracked') ignore(plan, e.key);
      else if (!BN_WEIGHTS.some(([p]) => p === param)) {
        unexpected(plan, e.key);
      } else if (!vector(e, `the batch norm after ${t.linear}`)) {
        abandon();
        return;
      }
    }
  }

  if (t.batchNorm !== undefined) {
    if (cBn === undefined) {
      plan.mismatches.structure.push(
        `${t.batchNorm}: the model has a batch norm after ${t.linear}, the checkpoint none after ${c.linear.module}`,
      );
      abandon();
      return;
    }
    assign(plan, kernel, [linW.key], () => transpose2d(toFloat32(linW.tensor), linW.tensor.shape));
    const foldBias = linB !== undefined && bias === undefined;
    for (const [param, weight] of BN_WEIGHTS) {
      const e = cBn.params.get(param);
      const target = byName.get(`${t.batchNorm}/${weight}`);
      if (e === undefined || target === undefined) continue; // missing or unexpected, reported by the caller
      if (param === 'running_mean' && foldBias) {
        assign(plan, target, [e.key, linB.key], () =>
          foldBiasIntoMean(toFloat32(e.tensor), toFloat32(linB.tensor)),
        );
        plan.notes.push(
          `${linB.key} folded into ${target.name} (the moving mean minus the bias: exact, as ${t.linear} has no bias)`,
        );
      } else {
        assign(plan, target, [e.key], () => toFloat32(e.tensor));
      }
    }
    if (bias !== undefined) setBias(bias, linB, c, out, plan);
    return;
  }

  if (cBn !== undefined) {
    if (bias === undefined) {
      plan.mismatches.structure.push(
        `${cBn.module}: the checkpoint has a batch norm after ${c.linear.module}, the model none after ${t.linear} and no bias to fold it into`,
      );
      abandon();
      return;
    }
    const get = (p: string) => {
      const e = cBn.params.get(p);
      return e === undefined ? undefined : toFloat32(e.tensor);
    };
    const folded = once(() =>
      foldBatchNormIntoLinear(
        toFloat32(linW.tensor),
        linW.tensor.shape,
        linB === undefined ? undefined : toFloat32(linB.tensor),
        {
          weight: get('weight') ?? new Float32Array(out).fill(1),
          bias: get('bias') ?? new Float32Array(out),
          runningMean: get('running_mean') ?? new Float32Array(out),
          runningVar: get('running_var') ?? new Float32Array(out).fill(1),
        },
      ),
    );
    const sources = [linW.key, ...(linB === undefined ? [] : [linB.key])];
    const bnKeys = [...cBn.params.values()].map((e) => e.key).filter((k) => !plan.ignored.includes(k));
    assign(plan, kernel, [...sources, ...bnKeys], () => folded().kernel);
    assign(plan, bias, [...sources, ...bnKeys], () => folded().bias);
    plan.notes.push(
      `${cBn.module} (batch norm, ε = 1e-5) folded into ${t.linear}: exact in inference; in training mode the checkpoint's head normalises z with the batch's statistics and this one does not`,
    );
    return;
  }

  assign(plan, kernel, [linW.key], () => transpose2d(toFloat32(linW.tensor), linW.tensor.shape));
  if (bias !== undefined) {
    setBias(bias, linB, c, out, plan);
  } else if (linB !== undefined) {
    plan.mismatches.structure.push(
      `${linB.key}: the model's ${t.linear} has no bias and no batch norm to fold it into`,
    );
    abandon();
  }
}

function setBias(
  bias: TargetWeight,
  linB: Entry | undefined,
  c: HeadGroup<TorchHeadModule>,
  out: number,
  plan: Plan,
): void {
  if (linB !== undefined) {
    assign(plan, bias, [linB.key], () => toFloat32(linB.tensor));
  } else {
    assign(plan, bias, [], () => new Float32Array(out));
    plan.notes.push(`${bias.name} set to 0: the checkpoint's ${c.linear.module} has no bias`);
  }
}

/** The dimensions of a PyTorch head read as `projectionHead` options, or a sentence on why it is not one. */
export function headShape(head: TorchHead): HeadShape | string {
  const { groups } = head;
  if (groups.length === 0) return 'the head has no Linear layer';
  const dims = groups.map((g) => {
    const shape = g.linear.params.get('weight')?.tensor.shape ?? [];
    return { out: shape[0]!, in: shape[1]!, bn: g.batchNorm !== undefined };
  });
  const first = dims[0]!;
  const last = dims.at(-1)!;
  const hidden = dims.slice(0, -1);
  if (hidden.some((d) => d.out !== first.out || d.bn !== first.bn)) {
    return `its hidden layers differ in width or batch norm (${hidden.map((d) => `${d.in}→${d.out}${d.bn ? '+BN' : ''}`).join(', ')})`;
  }
  return {
    inputDim: first.in,
    hiddenDim: groups.length > 1 ? first.out : first.in,
    outputDim: last.out,
    layers: groups.length,
    batchNorm: groups.length > 1 && first.bn,
  };
}

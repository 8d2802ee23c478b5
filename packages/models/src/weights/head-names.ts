/**
 * The names of a projection head on both sides. `projectionHead` names its layers `head.linear1`,
 * `head.bn1`, `head.relu1`, …, `head.linear<L>`; PyTorch heads are an `nn.Sequential` whose entries are
 * `<prefix><index>.<param>` (lightly: `projection_head.layers.`, solo-learn: `projector.`). Activations
 * have no entries, so a head reads as a list of groups: a Linear, and the batch norm right after it
 * when there is one.
 */

/** The first part of every weight name of `projectionHead`'s layers. */
export const HEAD_LAYER_PREFIX = 'head.';

/** One Linear of a head and the batch norm that follows it, if any. */
export interface HeadGroup<Ref> {
  linear: Ref;
  batchNorm?: Ref;
}

/** The tfjs layer names of `projectionHead`'s i-th Linear and batch norm (1-based). */
export function headLayerNames(i: number): { linear: string; batchNorm: string } {
  return { linear: `${HEAD_LAYER_PREFIX}linear${i}`, batchNorm: `${HEAD_LAYER_PREFIX}bn${i}` };
}

/**
 * The groups of a `projectionHead`-built head from its weight names: group i has `head.linear<i>` and,
 * when present, `head.bn<i>`. Names that do not follow that pattern are left out (nothing maps to them).
 */
export function ourHeadGroups(weightNames: Iterable<string>): HeadGroup<string>[] {
  const linear = new Set<number>();
  const batchNorm = new Set<number>();
  for (const name of weightNames) {
    const match = /^head\.(linear|bn)(\d+)\//.exec(name);
    if (match === null) continue;
    (match[1] === 'linear' ? linear : batchNorm).add(Number(match[2]));
  }
  const groups: HeadGroup<string>[] = [];
  for (let i = 1; linear.has(i); i++) {
    const names = headLayerNames(i);
    groups.push(batchNorm.has(i) ? names : { linear: names.linear });
  }
  return groups;
}

/**
 * The `nn.Sequential` indices of lightly's `ProjectionHead` holding these groups: per group the Linear,
 * the batch norm if any, and a ReLU after every group but the last (as `projectionHead` has them).
 */
export function lightlyHeadIndices(groups: readonly HeadGroup<unknown>[]): HeadGroup<number>[] {
  let index = 0;
  return groups.map((group, g) => {
    const linear = index++;
    const out: HeadGroup<number> = { linear };
    if (group.batchNorm !== undefined) out.batchNorm = index++;
    if (g < groups.length - 1) index++; // the ReLU
    return out;
  });
}

/**
 * The state-dict names of lightly's SimCLR models (https://github.com/lightly-ai/lightly; sources read at
 * commit e8d317f, August 2026).
 *
 * Backbone: lightly's SimCLR example (examples/pytorch/simclr.py) builds
 * `backbone = nn.Sequential(*list(torchvision.models.resnet18().children())[:-1])`, so the encoder's
 * entries are `backbone.<child index>.…`: `backbone.0` is torchvision's `conv1`, `backbone.1` `bn1`,
 * `backbone.2` `relu`, `backbone.3` `maxpool` (no entries), `backbone.4` … `backbone.7` `layer1` …
 * `layer4` and `backbone.8` `avgpool`. Its ImageNet benchmark (benchmarks/imagenet/resnet50/simclr.py)
 * keeps the ResNet whole with `fc = Identity()`, giving `backbone.conv1.weight`, `backbone.layer1.0.…`.
 * Both are read.
 *
 * Head: `projection_head.layers.<index>.…`, the `nn.Sequential` of lightly/models/modules/heads.py
 * `ProjectionHead`, which appends per block `nn.Linear(in, out, bias=not batch_norm)`, then the block's
 * batch norm and non-linearity when it has them. `SimCLRProjectionHead(input_dim, hidden_dim,
 * output_dim, num_layers=2, batch_norm=True)` has, since lightly 1.4.3 (commit 0d26bd25, "Add support
 * for SimCLR v2"), a `BatchNorm1d` after every Linear, the last one included, and no bias; before that
 * (and with `batch_norm=False`) it is biased Linear, ReLU, biased Linear. ReLUs have no entries, so the
 * indices skip them: `layers.0` Linear, `layers.1` BatchNorm1d, `layers.3` Linear, `layers.4`
 * BatchNorm1d.
 */

/** The prefix of lightly's backbone entries. */
export const LIGHTLY_BACKBONE_PREFIX = 'backbone.';

/** The prefix of lightly's projection-head entries, before the `nn.Sequential` index. */
export const LIGHTLY_HEAD_PREFIX = 'projection_head.layers.';

/** torchvision's ResNet children in order: the modules of `nn.Sequential(*list(resnet.children())[:-1])`. */
export const RESNET_CHILDREN: readonly string[] = [
  'conv1',
  'bn1',
  'relu',
  'maxpool',
  'layer1',
  'layer2',
  'layer3',
  'layer4',
  'avgpool',
];

/** Entries of lightly's training modules that are not the encoder or the head (the online classifier of its benchmarks). */
export const LIGHTLY_IGNORED_PREFIXES: readonly string[] = ['online_classifier.'];

/**
 * A key under `backbone.` with its child index replaced by torchvision's module name
 * (`4.1.conv1.weight` → `layer1.1.conv1.weight`); other keys (torchvision's names already) unchanged.
 */
export function torchvisionKeyOfLightlyBackbone(rest: string): string {
  const match = /^(\d+)(\..*)$/.exec(rest);
  if (match === null) return rest;
  const child = RESNET_CHILDREN[Number(match[1])];
  return child === undefined ? rest : child + match[2]!;
}

/** Whether the backbone entries are numbered children (`backbone.0.weight`) rather than torchvision's names. */
export function isSequentialBackbone(keys: Iterable<string>): boolean {
  for (const key of keys) {
    if (/^backbone\.\d+\./.test(key)) return true;
  }
  return false;
}

/** The inverse of {@link torchvisionKeyOfLightlyBackbone}: `layer1.1.conv1.weight` → `4.1.conv1.weight`. */
export function lightlyBackboneKeyOfTorchvision(key: string): string {
  const dot = key.indexOf('.');
  const index = RESNET_CHILDREN.indexOf(dot < 0 ? key : key.slice(0, dot));
  return index < 0 ? key : `${index}${dot < 0 ? '' : key.slice(dot)}`;
}

/**
 * The state-dict names of solo-learn's methods (https://github.com/vturrisi/solo-learn; sources read at
 * commit 9187ea3, April 2026). Its checkpoints are PyTorch Lightning files whose `state_dict` holds the
 * LightningModule's entries (`stateDictFrom` unwraps it):
 *
 * - `backbone.…`: solo/methods/base.py builds torchvision's `resnet18` / `resnet50` and sets
 *   `self.backbone.fc = nn.Identity()`, so the names are torchvision's under `backbone.`. For CIFAR it
 *   replaces `conv1` by `nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=2, bias=False)` and `maxpool`
 *   by Identity: the weights fit `resnet({ stem: 'cifar' })`, but that stem pads by 1, so its feature
 *   maps are 32×32 where solo-learn's are 34×34, and h differs.
 * - `projector.<index>.…`: solo/methods/simclr.py's projector is `nn.Sequential(nn.Linear(features_dim,
 *   proj_hidden_dim), nn.ReLU(), nn.Linear(proj_hidden_dim, proj_output_dim))`, both Linear biased and no
 *   batch norm (`projectionHead({ batchNorm: false })`). Other methods put a `BatchNorm1d` after a biased
 *   Linear (solo/methods/byol.py: Linear, BatchNorm1d, ReLU, Linear); that bias is folded into the batch
 *   norm's moving mean.
 * - `classifier.…` (base.py's online linear classifier), and for momentum methods `momentum_backbone.…`,
 *   `momentum_projector.…`, `momentum_classifier.…` and `predictor.…`: not part of the encoder or the
 *   head, ignored.
 */

/** The prefix of solo-learn's backbone entries. */
export const SOLO_LEARN_BACKBONE_PREFIX = 'backbone.';

/** The prefix of solo-learn's projector entries, before the `nn.Sequential` index. */
export const SOLO_LEARN_HEAD_PREFIX = 'projector.';

/** Entries of solo-learn's methods that are neither the encoder nor the projector. */
export const SOLO_LEARN_IGNORED_PREFIXES: readonly string[] = [
  'classifier.',
  'momentum_backbone.',
  'momentum_projector.',
  'momentum_classifier.',
  'predictor.',
];

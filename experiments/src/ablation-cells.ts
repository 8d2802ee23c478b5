import type { Cell } from './cell.js';
import { RECIPE_SHORT } from './recipes.js';
import { variant } from './sweep-cells.js';

/** A group of cells that together test one finding of the paper. */
export interface AblationGroup {
  /** Key of the group (`--group`). */
  key: string;
  /** Title in the tables. */
  title: string;
  /** Where the paper reports it. */
  paper: string;
  /** What the paper found, in one line. */
  direction: string;
  /** Whether the group's cells are also scored on z = g(h). */
  scoreZ?: boolean;
  cells: Cell[];
}

const base = RECIPE_SHORT;
const aug = base.augment;

/** No colour distortion: the jitter and grayscale never apply. */
const noColour = { jitterP: 0, grayscaleP: 0 };
/** No crop: the whole image at its own size (scale and ratio 1 make the crop the identity). */
const noCrop = { scale: [1, 1] as [number, number], ratio: [1, 1] as [number, number] };

/**
 * The paper's ablations at a budget that runs on two CPU cores: the Fashion-MNIST subset (10k train, 2k
 * test) and a few epochs of the short recipe. Every cell keeps the horizontal flip.
 */
export const ABLATIONS: AblationGroup[] = [
  {
    key: 'augment',
    title: 'Composition of augmentations',
    paper: 'Fig. 5',
    direction: 'crop + colour is far better than either alone',
    cells: [
      variant('crop alone', { augment: { ...aug, ...noColour } }, base),
      variant('colour alone', { augment: { ...aug, ...noCrop } }, base),
      variant('crop + colour', {}, base),
    ],
  },
  {
    key: 'head',
    title: 'Projection head',
    paper: 'Fig. 8',
    direction: 'nonlinear > linear > none, evaluated on h; h is better than z = g(h)',
    scoreZ: true,
    cells: [
      variant('no projection', { headLayers: 0 }, base),
      variant('linear projection', { headLayers: 1 }, base),
      variant('nonlinear projection', {}, base),
    ],
  },
  {
    key: 'loss',
    title: 'Loss function',
    paper: 'Table 2',
    direction:
      'NT-Xent > NT-Logistic > margin triplet (63.9 vs 51.6 and 50.9 without semi-hard negatives, 57.9 and 57.5 with)',
    cells: [
      variant('NT-Xent', {}, base),
      variant('NT-Logistic', { config: { loss: { name: 'nt-logistic', temperature: 0.5 } } }, base),
      variant('margin triplet', { config: { loss: { name: 'margin-triplet', margin: 1 } } }, base),
    ],
  },
  {
    key: 'temperature',
    title: 'Temperature of NT-Xent',
    paper: 'Table 5',
    direction: 'an interior optimum (τ = 0.1 there); τ = 0.05 and τ = 1 are worse',
    cells: [0.05, 0.1, 0.2, 0.5, 1].map((t) =>
      variant(`τ = ${t}`, { config: { loss: { name: 'nt-xent', temperature: t } } }, base),
    ),
  },
  {
    key: 'batch',
    title: 'Batch size and epochs',
    paper: 'Fig. 9',
    direction: 'larger batches are better, most at few epochs; more epochs are better and narrow the gap',
    cells: [64, 256, 1024].flatMap((b) =>
      [2, 6].map((e) =>
        variant(
          `batch ${b}, ${e} epochs`,
          {
            config: {
              batchSize: b,
              epochs: e,
              optimizer: { ...base.config.optimizer, lrScaling: 'sqrt', baseLearningRate: lrForSqrt(base) },
            },
          },
          base,
        ),
      ),
    ),
  },
];

/** The base rate that, with square-root scaling, gives the recipe's own rate at its own batch size. */
function lrForSqrt(cell: Cell): number {
  const lr = cell.config.optimizer?.baseLearningRate ?? 0.3;
  return lr / Math.sqrt(cell.config.batchSize);
}

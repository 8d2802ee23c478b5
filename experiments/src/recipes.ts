import type { Cell } from './cell.js';
import { BASELINE, variant } from './sweep-cells.js';

/** The base of the ablations: the tuned grey recipe at a budget of a few epochs of the 10k subset. */
export const RECIPE_SHORT: Cell = variant('recipe (short)', { config: { epochs: 4 } }, BASELINE);

import { RECIPES } from '@simclr/cli';
import type { Cell } from './cell.js';

const recipe = RECIPES['fashion-mnist'].config;

/** `simclr pretrain --recipe fashion-mnist` as a cell, for `epochs` epochs. */
export function recipeCell(name: string, epochs: number): Cell {
  return {
    name,
    widths: recipe.widths!,
    ...(recipe.strides !== undefined && { strides: recipe.strides }),
    ...(recipe.pooling !== undefined && { pooling: recipe.pooling }),
    headLayers: 2,
    projectionDim: recipe.projectionDim ?? 128,
    augment: {
      size: 28,
      strength: recipe.strength!,
      blur: recipe.blur!,
      scale: recipe.cropScale! as [number, number],
    },
    config: {
      epochs,
      batchSize: recipe.batchSize!,
      optimizer: { ...recipe.optimizer },
      loss: { ...recipe.loss },
    },
  };
}

/** The base of the ablations: the recipe at a budget of 3 epochs of the 10k subset. */
export const RECIPE_SHORT: Cell = recipeCell('recipe (short)', 3);

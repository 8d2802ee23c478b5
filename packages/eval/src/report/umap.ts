import { assertNumber, createRng, describeValue, type Rng, SimclrError } from '@simclr/core';
import { UMAP } from 'umap-js';

/** Options of {@link umapProjection}. */
export interface UmapOptions {
  /** Seeds the layout: the same points and seed give the same picture. Default: `createRng(0)`. */
  rng?: Rng;
  /** Neighbours that shape each point's place, at most the number of points − 1. Default 15. */
  nNeighbors?: number;
  /** How tightly points may pack, in (0, 1]. Default 0.1. */
  minDist?: number;
  /** Optimisation epochs. Default: umap-js's (500 below 10 000 points, else 200). */
  nEpochs?: number;
}

/**
 * 2-D UMAP (McInnes et al. 2018, the `umap-js` implementation) of high-dimensional points, e.g. test
 * representations, for a scatter plot. Seeded through `rng`, never `Math.random`.
 *
 * @throws SimclrError for fewer than 3 points, rows of different lengths or non-finite values.
 */
export function umapProjection(
  points: readonly (readonly number[])[],
  options: UmapOptions = {},
): number[][] {
  if (!Array.isArray(points) || points.length < 3) {
    throw new SimclrError(`points must be an array of at least 3 rows, got ${describeValue(points)}`);
  }
  const dim = points[0]?.length ?? 0;
  points.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== dim || dim === 0 || !row.every(Number.isFinite)) {
      throw new SimclrError(
        `points must be rows of ${dim || 'one or more'} finite numbers, got ${describeValue(row)} at row ${i}`,
      );
    }
  });
  const { rng = createRng(0), nNeighbors = 15, minDist = 0.1, nEpochs } = options;
  assertNumber(nNeighbors, 'nNeighbors', { min: 2, integer: true });
  assertNumber(minDist, 'minDist', { min: 0, max: 1, exclusiveMin: true });
  if (nEpochs !== undefined) assertNumber(nEpochs, 'nEpochs', { min: 1, integer: true });
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(nNeighbors, points.length - 1),
    minDist,
    ...(nEpochs !== undefined && { nEpochs }),
    random: () => rng.next(),
  });
  return umap.fit(points.map((row) => [...row]));
}

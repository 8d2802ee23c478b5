/** Top-1/top-5 hits and the predicted class of each row of a `[rows, numClasses]` score matrix. */
export interface ScoreRanks {
  /** Rows whose label has the highest score. */
  top1Hits: number;
  /** Rows whose label is among the 5 highest scores (all classes when there are fewer than 5). */
  top5Hits: number;
  /** The highest-scoring class of each row. */
  predictions: Int32Array;
}

/**
 * Ranks the classes of each row by score. Ties go to the lower class index, so the result does not
 * depend on how a sort orders equal values.
 */
export function scoreRanks(scores: ArrayLike<number>, labels: Int32Array, numClasses: number): ScoreRanks {
  const rows = labels.length;
  const predictions = new Int32Array(rows);
  const top5 = Math.min(5, numClasses);
  let top1Hits = 0;
  let top5Hits = 0;
  for (let r = 0; r < rows; r++) {
    const offset = r * numClasses;
    const label = labels[r]!;
    const own = scores[offset + label]!;
    let best = 0;
    let above = 0;
    for (let c = 0; c < numClasses; c++) {
      const s = scores[offset + c]!;
      if (s > scores[offset + best]!) best = c;
      if (s > own || (s === own && c < label)) above++;
    }
    predictions[r] = best;
    if (above === 0) top1Hits++;
    if (above < top5) top5Hits++;
  }
  return { top1Hits, top5Hits, predictions };
}

/**
 * The weighted kNN of Wu et al. (2018) written out in float64 on the host, as the reference: cosine
 * similarity to every training row, the k most similar (ties to the lower index), votes exp(sim/τ),
 * classes ranked by vote with ties to the lower class index.
 */
export function bruteForceKnn(
  train: Float32Array,
  trainLabels: readonly number[],
  test: Float32Array,
  testLabels: readonly number[],
  dim: number,
  k: number,
  temperature: number,
  numClasses: number,
): { top1: number; top5: number; predictions: number[] } {
  const n = trainLabels.length;
  const norm = (x: Float32Array, row: number) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[row * dim + j]! ** 2;
    return Math.sqrt(s);
  };
  const trainNorms = Array.from({ length: n }, (_, i) => norm(train, i));
  const predictions: number[] = [];
  let top1 = 0;
  let top5 = 0;
  testLabels.forEach((label, r) => {
    const qn = norm(test, r);
    const sims = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += test[r * dim + j]! * train[i * dim + j]!;
      return { i, sim: s / (qn * trainNorms[i]!) };
    });
    sims.sort((a, b) => b.sim - a.sim || a.i - b.i);
    const votes = new Array<number>(numClasses).fill(0);
    for (const { i, sim } of sims.slice(0, k)) votes[trainLabels[i]!]! += Math.exp(sim / temperature);
    const order = votes.map((v, c) => ({ v, c })).sort((a, b) => b.v - a.v || a.c - b.c);
    predictions.push(order[0]!.c);
    if (order[0]!.c === label) top1++;
    if (order.slice(0, 5).some((o) => o.c === label)) top5++;
  });
  return { top1: top1 / testLabels.length, top5: top5 / testLabels.length, predictions };
}

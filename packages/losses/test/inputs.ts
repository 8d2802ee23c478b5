/**
 * Deterministic float32 embeddings from a closed-form formula, mirrored by `embedding_pair` and
 * `embedding_batch` in fixtures/generate.py, so fixtures store outputs only.
 */
export function embeddingPair(n: number, d: number): { z1: Float32Array; z2: Float32Array } {
  const z1 = new Float32Array(n * d);
  const z2 = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const k = i * d + j;
      const a = Math.sin(0.37 * k + 0.11) * (1 + 0.5 * Math.cos(0.05 * i));
      z1[k] = a;
      z2[k] = a + 0.5 * Math.sin(0.61 * k + 1.7);
    }
  }
  return { z1, z2 };
}

/** `[m, d]` embeddings for the single-batch losses and metrics; mirrors `embedding_batch`. */
export function embeddingBatch(m: number, d: number): Float32Array {
  const z = new Float32Array(m * d);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) z[i * d + j] = Math.cos(0.29 * (i * d + j) + 0.3) + 0.25 * Math.sin(1.3 * i);
  }
  return z;
}

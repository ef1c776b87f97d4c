/**
 * Probability rows as the model emits them: one flat row-major array of N x numClasses
 * (what `tensor.dataSync()` returns), or an array of rows in tests.
 */
export type ProbabilityRows = Float32Array | Float64Array | ArrayLike<number>[];

/** A flat view with the row count, after checking the shape. */
export interface ProbabilityMatrix {
  data: Float32Array | Float64Array;
  rows: number;
  numClasses: number;
}

export function toMatrix(probs: ProbabilityRows, numClasses: number): ProbabilityMatrix {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`numClasses must be a positive integer, got ${numClasses}`);
  if (probs instanceof Float32Array || probs instanceof Float64Array) {
    if (probs.length % numClasses !== 0) {
      throw new RangeError(`probability array of length ${probs.length} is not a multiple of ${numClasses} classes`);
    }
    return { data: probs, rows: probs.length / numClasses, numClasses };
  }
  const flat = new Float64Array(probs.length * numClasses);
  probs.forEach((row, i) => {
    if (row.length !== numClasses) throw new RangeError(`probability row ${i} has ${row.length} values, expected ${numClasses}`);
    for (let j = 0; j < numClasses; j++) flat[i * numClasses + j] = row[j] as number;
  });
  return { data: flat, rows: probs.length, numClasses };
}

/** Index of the largest value in row i (the first one on ties, like argmax in numpy and tfjs). */
export function argmaxRow(m: ProbabilityMatrix, i: number): number {
  const base = i * m.numClasses;
  let best = 0;
  let bestValue = m.data[base] as number;
  for (let j = 1; j < m.numClasses; j++) {
    const v = m.data[base + j] as number;
    if (v > bestValue) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}

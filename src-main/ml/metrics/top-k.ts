import type { Labels } from './classification.ts';
import { toMatrix, type ProbabilityRows } from './probabilities.ts';

/**
 * Fraction of samples whose true class is among the k most probable classes.
 * Ranking is a stable descending sort: classes with a higher probability rank first and, on ties,
 * the lower class index ranks first, the same order argmax uses, so top-1 equals accuracy.
 * (scikit-learn's top_k_accuracy_score breaks exact ties towards the higher index instead; the two
 * agree whenever the true class's probability is not tied at the k-th place.)
 */
export function topKAccuracy(probs: ProbabilityRows, trueLabels: Labels, numClasses: number, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const m = toMatrix(probs, numClasses);
  if (m.rows !== trueLabels.length) throw new RangeError(`${m.rows} probability rows but ${trueLabels.length} labels`);
  if (m.rows === 0) return 0;
  let hits = 0;
  for (let i = 0; i < m.rows; i++) {
    const t = trueLabels[i] as number;
    if (!Number.isInteger(t) || t < 0 || t >= numClasses) throw new RangeError(`trueLabels[${i}] = ${t} is not a class index in 0..${numClasses - 1}`);
    const base = i * numClasses;
    const pt = m.data[base + t] as number;
    let ahead = 0;
    for (let j = 0; j < numClasses; j++) {
      const p = m.data[base + j] as number;
      if (p > pt || (p === pt && j < t)) ahead++;
    }
    if (ahead < k) hits++;
  }
  return hits / m.rows;
}

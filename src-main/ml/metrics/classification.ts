/**
 * Classification metrics on plain label arrays. Conventions follow scikit-learn so numbers can be
 * checked against `sklearn.metrics` (precision/recall/F1 with zero_division=0).
 */

/** Label arrays: any integer array type (Uint8Array from the dataset, number[] in tests). */
export type Labels = ArrayLike<number>;

function checkLabels(name: string, labels: Labels, numClasses: number): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i] as number;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new RangeError(`${name}[${i}] = ${v} is not a class index in 0..${numClasses - 1}`);
    }
  }
}

function checkPair(trueLabels: Labels, predicted: Labels): void {
  if (trueLabels.length !== predicted.length) {
    throw new RangeError(`label arrays differ in length: ${trueLabels.length} true vs ${predicted.length} predicted`);
  }
}

/**
 * Confusion matrix with rows = true class and columns = predicted class (sklearn's layout), so
 * row sums are class supports and the cells sum to the number of samples.
 */
export function confusionMatrix(trueLabels: Labels, predicted: Labels, numClasses: number): number[][] {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`numClasses must be a positive integer, got ${numClasses}`);
  checkPair(trueLabels, predicted);
  checkLabels('trueLabels', trueLabels, numClasses);
  checkLabels('predicted', predicted, numClasses);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < trueLabels.length; i++) {
    (m[trueLabels[i] as number] as number[])[predicted[i] as number]! += 1;
  }
  return m;
}

/** Fraction of samples whose prediction equals the true label; 0 for an empty set. */
export function accuracy(trueLabels: Labels, predicted: Labels): number {
  checkPair(trueLabels, predicted);
  if (trueLabels.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < trueLabels.length; i++) if (trueLabels[i] === predicted[i]) hits++;
  return hits / trueLabels.length;
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Number of true samples of this class. */
  support: number;
}

/**
 * Per-class precision, recall and F1 from a confusion matrix (rows true, columns predicted).
 * A class that is never predicted (or never occurs) gets 0 for the undefined ratio, like
 * sklearn's zero_division=0, so a tiny class such as FER2013's disgust cannot produce NaN.
 */
export function perClassScores(confusion: number[][]): ClassScores[] {
  const k = confusion.length;
  const colSums = new Array<number>(k).fill(0);
  for (const row of confusion) {
    if (row.length !== k) throw new RangeError(`confusion matrix must be square, got a row of ${row.length} in ${k} rows`);
    row.forEach((v, j) => (colSums[j]! += v));
  }
  return confusion.map((row, c) => {
    const tp = row[c] as number;
    const support = row.reduce((a, b) => a + b, 0);
    const predictedCount = colSums[c] as number;
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}

/** Unweighted mean of per-class F1 over all classes (sklearn average='macro' with every label listed). */
export function macroF1(scores: ClassScores[]): number {
  if (scores.length === 0) return 0;
  return scores.reduce((a, s) => a + s.f1, 0) / scores.length;
}

/** Support-weighted mean of per-class F1 (sklearn average='weighted'); 0 when there are no samples. */
export function weightedF1(scores: ClassScores[]): number {
  const total = scores.reduce((a, s) => a + s.support, 0);
  if (total === 0) return 0;
  return scores.reduce((a, s) => a + s.f1 * s.support, 0) / total;
}

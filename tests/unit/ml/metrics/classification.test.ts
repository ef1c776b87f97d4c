import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, macroF1, perClassScores, weightedF1 } from '../../../../src-main/ml/metrics/classification.ts';
import { evaluatePredictions } from '../../../../src-main/ml/metrics/evaluate.ts';

// Hand example, 3 classes, 10 samples:
//   true = 0 0 0 1 1 1 1 2 2 2
//   pred = 0 0 1 1 1 2 1 2 0 1
// Confusion (rows true, cols predicted): [[2,1,0],[0,3,1],[1,1,1]]; column sums 3,5,2.
// precision: c0 2/3, c1 3/5, c2 1/2;  recall: c0 2/3, c1 3/4, c2 1/3
// F1: c0 2/3; c1 2*(3/5*3/4)/(3/5+3/4) = (9/10)/(27/20) = 2/3; c2 2*(1/6)/(5/6) = 2/5
// macro F1 = (2/3 + 2/3 + 2/5)/3 = 26/45; weighted F1 (supports 3,4,3) = (2 + 8/3 + 6/5)/10 = 44/75
// accuracy = (2+3+1)/10 = 0.6. Checked with scikit-learn 1.2.1: precision_recall_fscore_support gives
// P [0.6667, 0.6, 0.5], R [0.6667, 0.75, 0.3333], F1 [0.6667, 0.6667, 0.4], support [3, 4, 3];
// f1_score(average='macro') = 0.5777777777777776, average='weighted' = 0.5866666666666667.
const yTrue = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2];
const yPred = [0, 0, 1, 1, 1, 2, 1, 2, 0, 1];

describe('classification metrics', () => {
  it('builds the confusion matrix with rows = true class', () => {
    expect(confusionMatrix(yTrue, yPred, 3)).toEqual([
      [2, 1, 0],
      [0, 3, 1],
      [1, 1, 1],
    ]);
  });

  it('matches the hand-computed (sklearn-equivalent) precision, recall and F1', () => {
    const s = perClassScores(confusionMatrix(yTrue, yPred, 3));
    expect(s.map((x) => x.precision)).toEqual([2 / 3, 3 / 5, 1 / 2].map((v) => expect.closeTo(v, 12)));
    expect(s.map((x) => x.recall)).toEqual([2 / 3, 3 / 4, 1 / 3].map((v) => expect.closeTo(v, 12)));
    expect(s.map((x) => x.f1)).toEqual([2 / 3, 2 / 3, 2 / 5].map((v) => expect.closeTo(v, 12)));
    expect(s.map((x) => x.support)).toEqual([3, 4, 3]);
    expect(macroF1(s)).toBeCloseTo(26 / 45, 12);
    expect(weightedF1(s)).toBeCloseTo(44 / 75, 12);
    expect(accuracy(yTrue, yPred)).toBeCloseTo(0.6, 12);
  });

  it('gives 0 (not NaN) for a class that is never predicted, like zero_division=0', () => {
    // true = 0 1 2 2, pred = 0 1 1 0: class 2 never predicted.
    // c0: P 1/2 R 1 F1 2/3; c1: P 1/2 R 1 F1 2/3; c2: P 0 R 0 F1 0
    // macro = (2/3+2/3+0)/3 = 4/9; weighted (supports 1,1,2) = (2/3+2/3)/4 = 1/3
    // (sklearn f1_score(..., zero_division=0): macro 0.4444444444444444, weighted 0.3333333333333333)
    const s = perClassScores(confusionMatrix([0, 1, 2, 2], [0, 1, 1, 0], 3));
    expect(s[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(macroF1(s)).toBeCloseTo(4 / 9, 12);
    expect(weightedF1(s)).toBeCloseTo(1 / 3, 12);
  });

  it('rejects labels out of range and mismatched lengths with the index named', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/trueLabels\[1\] = 3/);
    expect(() => confusionMatrix([0, 1], [0], 3)).toThrow(/differ in length/);
    expect(() => accuracy([0], [0, 1])).toThrow(/differ in length/);
  });
});

describe('evaluatePredictions', () => {
  it('derives predictions from probabilities and sums the confusion matrix to the sample count', () => {
    // Rows (3 classes): argmax 0, 1, 2, 0 ; true 0, 1, 1, 2 -> accuracy 2/4.
    const probs = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.3, 0.5, 0.6, 0.3, 0.1]);
    const { report, predictions } = evaluatePredictions(probs, Uint8Array.from([0, 1, 1, 2]), ['a', 'b', 'c']);
    expect(Array.from(predictions.predicted)).toEqual([0, 1, 2, 0]);
    expect(Array.from(predictions.probability)).toEqual([0.7, 0.8, 0.5, 0.6].map((v) => expect.closeTo(v, 6)));
    expect(report.accuracy).toBe(0.5);
    expect(report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(4);
    expect(report.perClass.map((c) => c.className)).toEqual(['a', 'b', 'c']);
    // top-2: row 3 (true 1) has 0.3 second -> hit; row 4 (true 2) has 0.1 last -> miss: 3/4
    expect(report.top2Accuracy).toBe(0.75);
    expect(report.eceBins).toHaveLength(15);
    expect(report.numSamples).toBe(4);
  });

  it('rejects a probability array that does not match the class count', () => {
    expect(() => evaluatePredictions(Float32Array.from([0.5, 0.5, 0.1]), [0], ['a', 'b'])).toThrow(/not a multiple of 2/);
  });
});

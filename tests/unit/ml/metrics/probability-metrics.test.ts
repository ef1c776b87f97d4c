import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from '../../../../src-main/ml/metrics/calibration.ts';
import { topKAccuracy } from '../../../../src-main/ml/metrics/top-k.ts';

describe('topKAccuracy', () => {
  // Row 1 true 1: class 0 ahead -> rank 2 (top-2 hit, top-1 miss)
  // Row 2 true 0: classes 2 and 1 ahead -> rank 3 (miss)
  // Row 3 true 2: class 0 higher, class 1 ties at 0.2 with a lower index -> rank 3 (miss)
  // Row 4 true 1: rank 1 (hit)
  // top-1 = 1/4, top-2 = 2/4, top-3 = 4/4
  // (sklearn 1.2 top_k_accuracy_score gives 0.25 for k=1 and 0.75 for k=2: it breaks row 3's tie
  // towards the higher index; without that tie the two agree, see the test below.)
  const rows = [
    [0.5, 0.3, 0.2],
    [0.2, 0.3, 0.5],
    [0.6, 0.2, 0.2],
    [0.1, 0.7, 0.2],
  ];
  const labels = [1, 0, 2, 1];
  it('counts the true class among the k most probable, ties broken by class index', () => {
    expect(topKAccuracy(rows, labels, 3, 1)).toBe(0.25);
    expect(topKAccuracy(rows, labels, 3, 2)).toBe(0.5);
    expect(topKAccuracy(rows, labels, 3, 3)).toBe(1);
    expect(topKAccuracy(Float32Array.from(rows.flat()), labels, 3, 2)).toBe(0.5);
  });
  it('agrees with sklearn.metrics.top_k_accuracy_score when there are no ties', () => {
    // Row 3 changed to [0.6, 0.15, 0.25]: true class 2 is now second -> top-2 hit.
    // sklearn: top_k_accuracy_score([1,0,2,1], P, k=2) = 0.75, k=1 -> 0.25
    const noTies = [rows[0]!, rows[1]!, [0.6, 0.15, 0.25], rows[3]!];
    expect(topKAccuracy(noTies, labels, 3, 2)).toBe(0.75);
    expect(topKAccuracy(noTies, labels, 3, 1)).toBe(0.25);
  });

  it('rejects a row count that differs from the labels', () => {
    expect(() => topKAccuracy(rows, [1, 0], 3, 2)).toThrow(/4 probability rows but 2 labels/);
  });
});

describe('expectedCalibrationError (15 equal-width bins)', () => {
  it('matches the hand-computed value', () => {
    // confidence 0.9 (right), 0.9 (wrong): bin 13 = (13/15, 14/15], acc 0.5, conf 0.9 -> 2/4 * 0.4 = 0.2
    // confidence 0.7 (right): bin 10 = (10/15, 11/15], |1 - 0.7| * 1/4 = 0.075
    // confidence 0.45 (wrong): bin 6 = (6/15, 7/15], |0 - 0.45| * 1/4 = 0.1125
    // ECE = 0.2 + 0.075 + 0.1125 = 0.3875
    const rows = [
      [0.9, 0.05, 0.05],
      [0.9, 0.05, 0.05],
      [0.1, 0.7, 0.2],
      [0.3, 0.25, 0.45],
    ];
    const { ece, bins } = expectedCalibrationError(rows, [0, 1, 1, 0], 3);
    expect(ece).toBeCloseTo(0.3875, 12);
    expect(bins).toHaveLength(15);
    expect(bins[13]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(bins[13]?.confidence).toBeCloseTo(0.9, 12);
    expect(bins[10]).toMatchObject({ count: 1, accuracy: 1 });
    expect(bins[6]).toMatchObject({ count: 1, accuracy: 0 });
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(4);
  });

  it('puts bin edges in the lower bin: confidence 1 in the last bin, 1/3 in (4/15, 5/15]', () => {
    const { bins } = expectedCalibrationError([[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], [0, 0], 3);
    expect(bins[14]?.count).toBe(1);
    expect(bins[4]?.count).toBe(1);
  });

  it('is 0 for a perfectly calibrated one-hot classifier that is always right', () => {
    expect(expectedCalibrationError([[1, 0], [0, 1]], [0, 1], 2).ece).toBe(0);
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => expectedCalibrationError([[1.5, 0]], [0], 2)).toThrow(/outside \[0, 1\]/);
  });
});

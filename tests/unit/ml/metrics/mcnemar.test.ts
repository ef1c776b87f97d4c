import { describe, expect, it } from 'vitest';
import { chiSquare1Sf, mcnemar, mcnemarFromCounts } from '../../../../src-main/ml/metrics/mcnemar.ts';

/** Builds correctness vectors with the given 2x2 table (both right, A only, B only, both wrong). */
function table(both: number, aOnly: number, bOnly: number, neither: number): [boolean[], boolean[]] {
  const a: boolean[] = [];
  const b: boolean[] = [];
  const push = (n: number, x: boolean, y: boolean): void => {
    for (let i = 0; i < n; i++) {
      a.push(x);
      b.push(y);
    }
  };
  push(both, true, true);
  push(aOnly, true, false);
  push(bOnly, false, true);
  push(neither, false, false);
  return [a, b];
}

describe("McNemar's test", () => {
  it('zero discordance gives statistic 0 and p = 1', () => {
    const r = mcnemar(...table(40, 0, 0, 10));
    expect(r).toMatchObject({ n: 50, b: 0, c: 0, bothCorrect: 40, bothWrong: 10, statistic: 0, pValue: 1, method: 'no-discordance' });
  });

  it('small b + c uses the exact binomial test', () => {
    // b = 5, c = 1, n = 6: p = 2 * (C(6,0) + C(6,1)) / 2^6 = 2 * 7 / 64 = 0.21875
    // (scipy.stats.binomtest(1, 6, 0.5).pvalue = 0.21875; binomtest(10, 24) = 0.5412561893463135)
    const r = mcnemar(...table(10, 5, 1, 4));
    expect(r).toMatchObject({ b: 5, c: 1, statistic: 1, method: 'exact-binomial' });
    expect(r.pValue).toBeCloseTo(0.21875, 12);
    // b = 0, c = 3: p = 2 * 1/8 = 0.25 (and symmetric in A and B)
    expect(mcnemarFromCounts(0, 3).pValue).toBeCloseTo(0.25, 12);
    expect(mcnemarFromCounts(3, 0).pValue).toBeCloseTo(0.25, 12);
    // b = c = 3: 2 * (1 + 6 + 15 + 20) / 64 = 84/64 > 1, capped at 1
    expect(mcnemarFromCounts(3, 3).pValue).toBe(1);
    // b = 14, c = 10, n = 24 (largest exact case): sum_{i<=10} C(24,i) = 4540386,
    // p = 2 * 4540386 / 2^24 = 0.5412561893463135
    expect(mcnemarFromCounts(14, 10).pValue).toBeCloseTo(0.5412561893463135, 12);
  });

  it('b + c >= 25 uses chi-square with continuity correction', () => {
    // b = 30, c = 10: statistic = (|30 - 10| - 1)^2 / 40 = 361 / 40 = 9.025
    // p = P(chi2_1 > 9.025) = erfc(sqrt(9.025 / 2)) = 0.002663119259138554 (scipy.stats.chi2.sf)
    const r = mcnemar(...table(100, 30, 10, 5));
    expect(r).toMatchObject({ b: 30, c: 10, method: 'chi-square-cc' });
    expect(r.statistic).toBeCloseTo(9.025, 12);
    expect(r.pValue).toBeCloseTo(0.002663119259138554, 14);
    // b = 15, c = 10, n = 25 exactly at the threshold: (5 - 1)^2 / 25 = 0.64,
    // p = erfc(sqrt(0.32)) = 0.4237107971667934
    const t = mcnemarFromCounts(15, 10);
    expect(t.method).toBe('chi-square-cc');
    expect(t.statistic).toBeCloseTo(0.64, 12);
    expect(t.pValue).toBeCloseTo(0.4237107971667934, 12);
  });

  it('chi-square tail matches known quantiles', () => {
    // 3.841458820694124 is the 95% quantile of chi2 with 1 df; 6.634896601021214 the 99% one.
    expect(chiSquare1Sf(3.841458820694124)).toBeCloseTo(0.05, 12);
    expect(chiSquare1Sf(6.634896601021214)).toBeCloseTo(0.01, 12);
    expect(chiSquare1Sf(0)).toBe(1);
  });

  it('refuses runs over different sample counts', () => {
    expect(() => mcnemar([true, false], [true])).toThrow(/same samples: 2 vs 1/);
    expect(() => mcnemarFromCounts(-1, 2)).toThrow(/non-negative integer/);
  });
});

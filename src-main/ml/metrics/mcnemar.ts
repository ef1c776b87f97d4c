/**
 * McNemar's test for two classifiers evaluated on the same samples.
 *
 * b = samples A got right and B got wrong; c = samples A got wrong and B got right. Under the null
 * hypothesis (equal error rates) each discordant sample is a fair coin, so b ~ Binomial(b + c, 1/2).
 * - b + c < exactBelow (default 25): exact two-sided binomial test,
 *   p = min(1, 2 * sum_{i=0..min(b,c)} C(b+c, i) / 2^(b+c)); statistic = min(b, c).
 * - otherwise: chi-square with Edwards' continuity correction, statistic = (|b - c| - 1)^2 / (b + c),
 *   p = P(chi2 with 1 df > statistic) = erfc(sqrt(statistic / 2)).
 * - b = c = 0 (no discordant samples): no evidence of a difference, statistic 0 and p = 1.
 */

export type McNemarMethod = 'exact-binomial' | 'chi-square-cc' | 'no-discordance';

export interface McNemarResult {
  /** Samples compared. */
  n: number;
  /** A right, B wrong. */
  b: number;
  /** A wrong, B right. */
  c: number;
  /** Both right, both wrong (reported for completeness of the 2x2 table). */
  bothCorrect: number;
  bothWrong: number;
  statistic: number;
  pValue: number;
  method: McNemarMethod;
}

/** Default threshold on b + c below which the exact binomial test is used. */
export const MCNEMAR_EXACT_BELOW = 25;

/** Natural log of n! by summing logs; exact enough for the sample counts compared here. */
function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/** Two-sided exact binomial p-value for k = min(b,c) out of n discordant samples, p = 1/2. */
export function exactBinomialTwoSided(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  const lnN = logFactorial(n);
  const ln2n = n * Math.LN2;
  let tail = 0;
  let lnI = 0; // ln(i!)
  for (let i = 0; i <= k; i++) {
    if (i > 0) lnI += Math.log(i);
    tail += Math.exp(lnN - lnI - logFactorial(n - i) - ln2n);
  }
  return Math.min(1, 2 * tail);
}

/**
 * Complementary error function (W. J. Cody's rational Chebyshev approximations, as in his 1969
 * paper; relative error below 1e-15 in double precision for the ranges used here).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) return 1 - erfSmall(x);
  if (x < 4) {
    const p = [300.4592610201616, 451.9189537118729, 339.3208167343437, 152.9892850469404,
      43.162227222056735, 7.2117582508830935, 0.564195517478974, -1.368648573827167e-7];
    const q = [300.4592609569833, 790.9509253278981, 931.3540948506096, 638.9802644656312,
      277.58544474398764, 77.00015293522948, 12.782727319629423, 1];
    let num = 0;
    let den = 0;
    for (let i = 7; i >= 0; i--) {
      num = num * x + (p[i] as number);
      den = den * x + (q[i] as number);
    }
    return Math.exp(-x * x) * (num / den);
  }
  if (x > 27) return 0;
  const p = [-0.002996107077035422, -0.04947309106232507, -0.22695659353968692, -0.2786613086096478,
    -0.02231924597341847];
  const q = [0.010620923052846792, 0.19130892610782985, 1.051675107067932, 1.9873320181713525, 1];
  const z = 1 / (x * x);
  let num = 0;
  let den = 0;
  for (let i = 4; i >= 0; i--) {
    num = num * z + (p[i] as number);
    den = den * z + (q[i] as number);
  }
  const r = (z * num) / den;
  return (Math.exp(-x * x) / x) * (1 / Math.sqrt(Math.PI) + r);
}

function erfSmall(x: number): number {
  const p = [3209.3775891384694, 377.485237685302, 113.86415415105016,
    3.1611237438705655, 0.18577770618460315];
  const q = [2844.236833439171, 1282.6165260773723, 244.02463793444417,
    23.601290952344122, 1];
  const z = x * x;
  let num = 0;
  let den = 0;
  for (let i = 4; i >= 0; i--) {
    num = num * z + (p[i] as number);
    den = den * z + (q[i] as number);
  }
  return (x * num) / den;
}

/** Upper tail of the chi-square distribution with one degree of freedom. */
export function chiSquare1Sf(x: number): number {
  if (x <= 0) return 1;
  return erfc(Math.sqrt(x / 2));
}

/** McNemar's test from the two discordant counts. */
export function mcnemarFromCounts(b: number, c: number, exactBelow = MCNEMAR_EXACT_BELOW): Pick<McNemarResult, 'b' | 'c' | 'statistic' | 'pValue' | 'method'> {
  for (const [name, v] of [['b', b], ['c', c]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`McNemar count ${name} must be a non-negative integer, got ${v}`);
  }
  if (b + c === 0) return { b, c, statistic: 0, pValue: 1, method: 'no-discordance' };
  if (b + c < exactBelow) return { b, c, statistic: Math.min(b, c), pValue: exactBinomialTwoSided(b, c), method: 'exact-binomial' };
  const statistic = (Math.abs(b - c) - 1) ** 2 / (b + c);
  return { b, c, statistic, pValue: chiSquare1Sf(statistic), method: 'chi-square-cc' };
}

/**
 * McNemar's test on per-sample correctness of two runs over the same samples in the same order
 * (truthy = correct).
 */
export function mcnemar(correctA: ArrayLike<boolean | number>, correctB: ArrayLike<boolean | number>, exactBelow = MCNEMAR_EXACT_BELOW): McNemarResult {
  if (correctA.length !== correctB.length) {
    throw new RangeError(`McNemar's test needs the same samples: ${correctA.length} vs ${correctB.length} predictions`);
  }
  let b = 0;
  let c = 0;
  let both = 0;
  let neither = 0;
  for (let i = 0; i < correctA.length; i++) {
    const a = Boolean(correctA[i]);
    const bb = Boolean(correctB[i]);
    if (a && bb) both++;
    else if (a) b++;
    else if (bb) c++;
    else neither++;
  }
  return { n: correctA.length, bothCorrect: both, bothWrong: neither, ...mcnemarFromCounts(b, c, exactBelow) };
}

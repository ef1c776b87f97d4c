import { EXPRESSIONS, type Expression } from './expressions.ts';

/**
 * Engagement weight per expression, each in [0, 1]. A face's engagement score is the
 * probability-weighted mean of these weights:
 *
 *   engagement = sum_c p_c * w_c / sum_c p_c
 *
 * so it is in [0, 1] and moves smoothly with the classifier's confidence instead of jumping with the
 * top label. The defaults encode a common heuristic from the classroom-engagement literature
 * (expressions of interest and positive affect suggest attention, boredom-like and negative
 * expressions suggest disengagement); they are a starting point, not a validated measure, and the
 * user can change every weight in the view. docs/WEBCAM.md explains the choice.
 */
export type EngagementWeights = Record<Expression, number>;

export const DEFAULT_ENGAGEMENT_WEIGHTS: EngagementWeights = {
  happy: 0.9,
  surprise: 0.8,
  neutral: 0.6,
  fear: 0.35,
  angry: 0.3,
  sad: 0.2,
  disgust: 0.2,
};

/** Throws naming the expression when a weight is missing or outside [0, 1]. */
export function validateWeights(weights: Partial<Record<string, number>>): EngagementWeights {
  const out = {} as EngagementWeights;
  for (const name of EXPRESSIONS) {
    const w = weights[name];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1) {
      throw new Error(`engagement weight for '${name}' must be a number in [0, 1], got ${String(w)}`);
    }
    out[name] = w;
  }
  const unknown = Object.keys(weights).filter((k) => !(EXPRESSIONS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`unknown expression(s) in engagement weights: ${unknown.join(', ')}`);
  return out;
}

/** Engagement of one face from its probabilities in EXPRESSIONS order. */
export function engagementScore(probs: ArrayLike<number>, weights: EngagementWeights = DEFAULT_ENGAGEMENT_WEIGHTS): number {
  if (probs.length !== EXPRESSIONS.length) {
    throw new Error(`expected ${EXPRESSIONS.length} probabilities, got ${probs.length}`);
  }
  let num = 0;
  let den = 0;
  EXPRESSIONS.forEach((name, i) => {
    const p = Math.max(0, probs[i] ?? 0);
    num += p * weights[name];
    den += p;
  });
  if (den === 0) throw new Error('expression probabilities sum to zero');
  return Math.min(1, Math.max(0, num / den));
}

/** Class engagement: the mean over the faces present in a frame; null when no face is present. */
export function classEngagement(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

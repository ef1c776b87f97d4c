import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ENGAGEMENT_WEIGHTS,
  classEngagement,
  engagementScore,
  validateWeights,
} from '../../../src-renderer/src/webcam/engagement.ts';
import { EXPRESSIONS, canonicalExpression, reorderProbabilities } from '../../../src-renderer/src/webcam/expressions.ts';
import { FER_CLASSES } from '../../../src-main/data/types.ts';

const oneHot = (name: string): number[] => EXPRESSIONS.map((e) => (e === name ? 1 : 0));

describe('engagement mapping', () => {
  it('uses the FER2013 canonical class order', () => {
    expect([...EXPRESSIONS]).toEqual([...FER_CLASSES]);
  });

  it('gives each expression its weight for a certain prediction', () => {
    for (const e of EXPRESSIONS) expect(engagementScore(oneHot(e))).toBeCloseTo(DEFAULT_ENGAGEMENT_WEIGHTS[e], 12);
  });

  it('is the probability-weighted mean of the weights, in [0, 1], and normalises unnormalised input', () => {
    const weights = validateWeights({ angry: 0, disgust: 0, fear: 0, happy: 1, sad: 0, surprise: 0, neutral: 0.5 });
    const probs = EXPRESSIONS.map((e) => (e === 'happy' ? 0.5 : e === 'neutral' ? 0.5 : 0));
    expect(engagementScore(probs, weights)).toBeCloseTo(0.75, 12);
    expect(engagementScore(probs.map((p) => p * 4), weights)).toBeCloseTo(0.75, 12);
    const uniform = EXPRESSIONS.map(() => 1 / 7);
    const s = engagementScore(uniform);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(s).toBeLessThanOrEqual(1);
    expect(s).toBeCloseTo(Object.values(DEFAULT_ENGAGEMENT_WEIGHTS).reduce((a, b) => a + b, 0) / 7, 12);
  });

  it('ranks a happy face above a sad one with the defaults', () => {
    expect(engagementScore(oneHot('happy'))).toBeGreaterThan(engagementScore(oneHot('neutral')));
    expect(engagementScore(oneHot('neutral'))).toBeGreaterThan(engagementScore(oneHot('sad')));
  });

  it('averages faces into a class score, null for an empty room', () => {
    expect(classEngagement([0.2, 0.4, 0.9])).toBeCloseTo(0.5, 12);
    expect(classEngagement([])).toBeNull();
  });

  it('rejects bad weights and bad probability vectors with the cause named', () => {
    expect(() => validateWeights({ ...DEFAULT_ENGAGEMENT_WEIGHTS, happy: 1.2 })).toThrow(/'happy'.*\[0, 1\]/);
    const { sad: _sad, ...missing } = DEFAULT_ENGAGEMENT_WEIGHTS;
    expect(() => validateWeights(missing)).toThrow(/'sad'/);
    expect(() => validateWeights({ ...DEFAULT_ENGAGEMENT_WEIGHTS, bored: 0.1 })).toThrow(/bored/);
    expect(() => engagementScore([1, 0])).toThrow(/expected 7/);
    expect(() => engagementScore(EXPRESSIONS.map(() => 0))).toThrow(/zero/);
  });
});

describe('class order mapping', () => {
  it("reorders face-api's labels into FER order", () => {
    const faceApi = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'];
    const probs = [0.1, 0.2, 0.3, 0.05, 0.15, 0.12, 0.08];
    const out = reorderProbabilities(faceApi, probs);
    expect(out).toEqual([0.05, 0.12, 0.15, 0.2, 0.3, 0.08, 0.1]);
    expect(() => canonicalExpression('bored')).toThrow(/unknown expression class 'bored'/);
    expect(() => reorderProbabilities(['happy'], [1])).toThrow(/no 'angry'/);
  });
});

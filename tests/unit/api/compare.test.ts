import { describe, expect, it } from 'vitest';
import { flattenConfig, paramDiff } from '../../../src-main/api/backend/compare.ts';
import { latexEscape } from '../../../src-main/store/export-run.ts';
import { isBest, metricRows } from '../../../src-main/api/metric-rows.ts';
import type { RunDetail } from '../../../src-main/api/types.ts';

describe('comparison helpers', () => {
  it('flattens nested configs to dotted paths', () => {
    expect(flattenConfig({ a: { b: 1, c: { d: 'x' } }, e: [1, 2], f: null, g: {} })).toEqual({ 'a.b': 1, 'a.c.d': 'x', e: '[1,2]', f: null, g: '{}' });
  });

  it('marks differing fields, counting a field one run lacks as different', () => {
    const rows = paramDiff([
      { lr: 0.1, act: { kind: 'relu' }, seed: 1 },
      { lr: 0.2, act: { kind: 'tafmn', m: 2 }, seed: 1 },
    ]);
    expect(rows.filter((r) => r.differs).map((r) => r.path)).toEqual(['act.kind', 'act.m', 'lr']);
    expect(rows.find((r) => r.path === 'act.m')?.values).toEqual([null, 2]);
    expect(rows.find((r) => r.path === 'seed')?.differs).toBe(false);
  });

  it('escapes LaTeX specials in run names', () => {
    expect(latexEscape('a_b & 50% #1 {x} $y ~z ^w \\')).toBe('a\\_b \\& 50\\% \\#1 \\{x\\} \\$y \\textasciitilde{}z \\textasciicircum{}w \\textbackslash{}');
  });

  it('highlights the best value per metric in the right direction, ties included', () => {
    const run = (id: string, testAcc: number, ece: number): RunDetail =>
      ({
        id,
        name: id,
        bestValAcc: testAcc,
        epochsDone: 3,
        epochs: [],
        evaluations: [{ split: 'test', tta: false, accuracy: testAcc, macroF1: 0, weightedF1: 0, top2: null, ece, perClass: [], confusion: [], createdAt: '' }],
      }) as unknown as RunDetail;
    const rows = metricRows([run('a', 0.6, 0.05), run('b', 0.7, 0.02), run('c', 0.7, 0.09)]);
    const acc = rows.find((r) => r.label === 'test acc')!;
    expect([0, 1, 2].map((i) => isBest(acc, i))).toEqual([false, true, true]);
    const ece = rows.find((r) => r.label === 'test ECE')!;
    expect([0, 1, 2].map((i) => isBest(ece, i))).toEqual([false, true, false]);
    const top2 = rows.find((r) => r.label === 'test top-2 acc')!;
    expect([0, 1, 2].some((i) => isBest(top2, i))).toBe(false);
  });
});

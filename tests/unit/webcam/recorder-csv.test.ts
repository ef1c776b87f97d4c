import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { SessionRecorder, topLabel, type FaceResult } from '../../../src-renderer/src/webcam/session-recorder.ts';
import { EXPRESSIONS } from '../../../src-renderer/src/webcam/expressions.ts';

const probsFor = (name: string): number[] => EXPRESSIONS.map((e) => (e === name ? 0.7 : 0.05));
const face = (id: number, label: string, engagement: number): FaceResult => ({
  id,
  box: { x: id * 10, y: 5, width: 40.25, height: 41 },
  score: 0.91234567,
  probs: probsFor(label),
  label: topLabel(probsFor(label)),
  engagement,
});

function session(): SessionRecorder {
  const rec = new SessionRecorder(Date.UTC(2026, 0, 1, 9, 0, 0));
  rec.add({ t: 0, faces: [face(1, 'happy', 0.8), face(2, 'sad', 0.2)], classEngagement: 0.5 });
  rec.add({ t: 100, faces: [face(1, 'happy', 0.9)], classEngagement: 0.9 });
  rec.add({ t: 200, faces: [], classEngagement: null });
  rec.add({ t: 300, faces: [face(1, 'neutral', 0.6), face(3, 'surprise', 0.7)], classEngagement: 0.65 });
  return rec;
}

describe('SessionRecorder CSV export', () => {
  it('writes one row per face per frame with timestamp, id, box, all probabilities and engagement', () => {
    const rows = parse(session().toCsv(), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(5);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'timestamp', 't_ms', 'face_id', 'x', 'y', 'width', 'height', 'detector_score',
      ...EXPRESSIONS.map((e) => `p_${e}`), 'label', 'engagement', 'class_engagement',
    ]);
    expect(new Set(rows.map((r) => r.face_id))).toEqual(new Set(['1', '2', '3']));
    const last = rows[4];
    expect(last?.timestamp).toBe('2026-01-01T09:00:00.300Z');
    expect(last).toMatchObject({ t_ms: '300', face_id: '3', x: '30', width: '40.3', label: 'surprise', engagement: '0.7', class_engagement: '0.65' });
    expect(Number(last?.p_surprise)).toBeCloseTo(0.7, 6);
    expect(last?.detector_score).toBe('0.9123');
  });

  it('writes only the header for a session without faces', () => {
    const rec = new SessionRecorder(0);
    rec.add({ t: 0, faces: [], classEngagement: null });
    expect(rec.toCsv().trim().split('\n')).toHaveLength(1);
  });

  it('refuses frames whose time goes backwards', () => {
    const rec = session();
    expect(() => rec.add({ t: 50, faces: [], classEngagement: null })).toThrow(/backwards/);
  });
});

describe('SessionRecorder summary', () => {
  it('counts faces seen, time per top expression, and mean engagement', () => {
    const s = session().summary();
    expect(s.frames).toBe(4);
    expect(s.facesSeen).toBe(3);
    // Frames last 100 ms each; the last gets the median gap (100).
    expect(s.durationMs).toBe(400);
    expect(s.timePerExpression.happy).toBe(200);
    expect(s.timePerExpression.sad).toBe(100);
    expect(s.timePerExpression.neutral).toBe(100);
    expect(s.timePerExpression.surprise).toBe(100);
    // Frames with faces only: (0.5 + 0.9 + 0.65) / 3.
    expect(s.meanEngagement).toBeCloseTo(2.05 / 3, 12);
    const f1 = s.faces.find((f) => f.id === 1);
    expect(f1).toMatchObject({ frames: 3, firstT: 0, lastT: 300 });
    expect(f1?.meanEngagement).toBeCloseTo((0.8 + 0.9 + 0.6) / 3, 12);
  });

  it('reports an empty session without dividing by zero', () => {
    const s = new SessionRecorder(0).summary();
    expect(s).toMatchObject({ frames: 0, facesSeen: 0, durationMs: 0, meanEngagement: null });
  });
});

import { describe, expect, it } from 'vitest';
import { IouTracker } from '../../../src-renderer/src/webcam/tracker.ts';
import { iou, type Box } from '../../../src-renderer/src/webcam/geometry.ts';

const box = (x: number, y: number, s = 40): Box => ({ x, y, width: s, height: s });

describe('iou', () => {
  it('is 1 for identical boxes, 0 for disjoint ones, and the overlap ratio otherwise', () => {
    expect(iou(box(0, 0), box(0, 0))).toBe(1);
    expect(iou(box(0, 0), box(100, 100))).toBe(0);
    // Half overlap along x: inter 20*40, union 2*1600 - 800.
    expect(iou(box(0, 0), box(20, 0))).toBeCloseTo(800 / 2400, 10);
  });
});

describe('IouTracker', () => {
  it('keeps ids stable for four faces drifting across frames, whatever order the detector lists them in', () => {
    const tracker = new IouTracker();
    const starts = [box(10, 10), box(100, 10), box(10, 100), box(100, 100)];
    const first = tracker.update(starts).ids;
    expect(first).toEqual([1, 2, 3, 4]);
    for (let f = 1; f <= 30; f++) {
      const moved = starts.map((b, i) => ({ ...b, x: b.x + f * 1.5 * (i % 2 ? -1 : 1), y: b.y + f }));
      // Reverse/rotate the order each frame, as detectors give no stable order.
      const order = [f % 4, (f + 1) % 4, (f + 2) % 4, (f + 3) % 4];
      const { ids, ended } = tracker.update(order.map((i) => moved[i] as Box));
      expect(ended).toEqual([]);
      order.forEach((faceIndex, k) => expect(ids[k]).toBe(first[faceIndex]));
    }
  });

  it('bridges short detection gaps but ends tracks after maxMissed frames, and never reuses ids', () => {
    const tracker = new IouTracker({ maxMissed: 2 });
    expect(tracker.update([box(0, 0), box(200, 0)]).ids).toEqual([1, 2]);
    // Face 2 missed for two frames: still the same id when it comes back.
    expect(tracker.update([box(2, 0)]).ids).toEqual([1]);
    expect(tracker.update([box(4, 0)]).ids).toEqual([1]);
    expect(tracker.update([box(4, 0), box(202, 0)]).ids).toEqual([1, 2]);
    // Now gone for three frames: ended on the third, and a face at the same place gets a new id.
    tracker.update([box(4, 0)]);
    tracker.update([box(4, 0)]);
    const third = tracker.update([box(4, 0)]);
    expect(third.ended).toEqual([2]);
    expect(tracker.update([box(4, 0), box(202, 0)]).ids).toEqual([1, 3]);
  });

  it('gives a new id to a detection that overlaps no track enough, and matches by best IoU', () => {
    const tracker = new IouTracker({ minIou: 0.5 });
    tracker.update([box(0, 0)]);
    // Jumped too far for IoU 0.5: a new face.
    expect(tracker.update([box(25, 0)]).ids).toEqual([2]);
    const t2 = new IouTracker();
    t2.update([box(0, 0), box(30, 0)]);
    // A detection overlapping both goes to the closer one; the other keeps its id too.
    expect(t2.update([box(28, 0), box(1, 0)]).ids).toEqual([2, 1]);
  });

  it('rejects invalid options with the option named', () => {
    expect(() => new IouTracker({ minIou: 0 })).toThrow(/minIou/);
    expect(() => new IouTracker({ maxMissed: -1 })).toThrow(/maxMissed/);
  });
});

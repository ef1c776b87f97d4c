import { describe, expect, it } from 'vitest';
import { EmaSmoother, FrameSequenceBuffer } from '../../../src-renderer/src/webcam/smoothing.ts';

describe('EmaSmoother', () => {
  it('starts at the first prediction and then moves alpha of the way to each new one, per face', () => {
    const ema = new EmaSmoother(0.25);
    expect(ema.update(1, [1, 0])).toEqual([1, 0]);
    expect(ema.update(2, [0, 1])).toEqual([0, 1]);
    const s = ema.update(1, [0, 1]);
    expect(s[0]).toBeCloseTo(0.75, 12);
    expect(s[1]).toBeCloseTo(0.25, 12);
    const s2 = ema.update(1, [0, 1]);
    expect(s2[0]).toBeCloseTo(0.5625, 12);
    // Face 2 unaffected by face 1.
    expect(ema.update(2, [0, 1])).toEqual([0, 1]);
  });

  it('damps a one-frame flicker so the top label holds, and alpha 1 passes predictions through', () => {
    const ema = new EmaSmoother(0.3);
    for (let i = 0; i < 10; i++) ema.update(7, [0.8, 0.2]);
    const afterBlip = ema.update(7, [0.1, 0.9]);
    expect(afterBlip[0]).toBeGreaterThan(afterBlip[1] ?? 1);
    const raw = new EmaSmoother(1);
    raw.update(1, [0.8, 0.2]);
    expect(raw.update(1, [0.1, 0.9])).toEqual([0.1, 0.9]);
  });

  it('forgets a face so a reappearing id starts fresh, and validates alpha', () => {
    const ema = new EmaSmoother(0.5);
    ema.update(1, [1, 0]);
    ema.forget(1);
    expect(ema.update(1, [0, 1])).toEqual([0, 1]);
    expect(() => new EmaSmoother(0)).toThrow(/alpha/);
    expect(() => new EmaSmoother(1.5)).toThrow(/alpha/);
  });
});

describe('FrameSequenceBuffer', () => {
  const crop = (v: number): Uint8Array => new Uint8Array([v]);

  it('returns exactly T frames oldest first, padding a new face with its first crop', () => {
    const buf = new FrameSequenceBuffer(3);
    expect(buf.push(1, crop(10)).map((c) => c[0])).toEqual([10, 10, 10]);
    expect(buf.push(1, crop(11)).map((c) => c[0])).toEqual([10, 10, 11]);
    expect(buf.push(1, crop(12)).map((c) => c[0])).toEqual([10, 11, 12]);
    expect(buf.push(1, crop(13)).map((c) => c[0])).toEqual([11, 12, 13]);
    expect(buf.count(1)).toBe(3);
    expect(buf.push(2, crop(50)).map((c) => c[0])).toEqual([50, 50, 50]);
    buf.forget(1);
    expect(buf.count(1)).toBe(0);
    expect(() => new FrameSequenceBuffer(0)).toThrow(/sequence length/);
  });
});

import { describe, expect, it } from 'vitest';
import { cropFace, type PixelFrame } from '../../../src-renderer/src/webcam/crop.ts';
import { FramePipeline, classifyFaceImages, suppressCovered, type Detection, type ExpressionClassifier, type FaceDetector } from '../../../src-renderer/src/webcam/pipeline.ts';
import { EXPRESSIONS } from '../../../src-renderer/src/webcam/expressions.ts';

/** RGBA frame: black, with a white square at (x0, y0) of side s. */
function frameWithSquare(w: number, h: number, x0: number, y0: number, s: number): PixelFrame {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const v = x >= x0 && x < x0 + s && y >= y0 && y < y0 + s ? 255 : 0;
      data[i] = v;
      data[i + 1] = v;
      data[i + 2] = v;
      data[i + 3] = 255;
    }
  }
  return { data, width: w, height: h, channels: 4 };
}

describe('cropFace', () => {
  it('crops the box to a 48x48 grayscale image', () => {
    const frame = frameWithSquare(320, 240, 100, 60, 96);
    const out = cropFace(frame, { x: 100, y: 60, width: 96, height: 96 }, { size: 48, pad: 0 });
    expect(out).toHaveLength(48 * 48);
    expect(Math.min(...out)).toBe(255);
  });

  it('pads to a square around the box, so a padded crop shows a dark border round the face', () => {
    const frame = frameWithSquare(320, 240, 100, 60, 96);
    const out = cropFace(frame, { x: 100, y: 60, width: 96, height: 96 }, { size: 48, pad: 0.25 });
    // pad 0.25 of 96 on each side -> face occupies the middle 2/3 (32 px) of the 48 px crop.
    expect(out[0]).toBe(0);
    expect(out[24 * 48 + 24]).toBe(255);
    const whiteRow = Array.from(out.slice(24 * 48, 25 * 48)).filter((v) => v > 127).length;
    expect(whiteRow).toBeGreaterThanOrEqual(31);
    expect(whiteRow).toBeLessThanOrEqual(33);
  });

  it('uses BT.601 luma for colour and rejects empty boxes and short buffers', () => {
    const red: PixelFrame = { data: new Uint8Array([255, 0, 0]), width: 1, height: 1, channels: 3 };
    expect(cropFace(red, { x: 0, y: 0, width: 1, height: 1 }, { size: 2, pad: 0 })[0]).toBe(76);
    expect(() => cropFace(red, { x: 0, y: 0, width: 0, height: 1 })).toThrow(/no area/);
    expect(() => cropFace({ ...red, width: 4 }, { x: 0, y: 0, width: 1, height: 1 })).toThrow(/expected 12/);
  });
});

class ScriptedDetector implements FaceDetector<number> {
  constructor(private script: Detection[][]) {}
  async detect(frameIndex: number): Promise<Detection[]> {
    return this.script[frameIndex] ?? [];
  }
  dispose(): void {}
}

/** Probability of 'happy' = mean brightness of the crop, the rest spread over 'sad'. */
class BrightnessClassifier implements ExpressionClassifier {
  readonly name = 'brightness';
  readonly cropSize = 48;
  calls: number[] = [];
  constructor(readonly sequenceLength = 1) {}
  async classify(faces: Uint8Array[][]): Promise<number[][]> {
    this.calls.push(faces.length);
    return faces.map((seq) => {
      expect(seq).toHaveLength(this.sequenceLength);
      const last = seq[seq.length - 1] ?? new Uint8Array();
      const m = last.reduce((a, b) => a + b, 0) / last.length / 255;
      return EXPRESSIONS.map((e) => (e === 'happy' ? m : e === 'sad' ? 1 - m : 0));
    });
  }
  dispose(): void {}
}

describe('FramePipeline', () => {
  const frame = frameWithSquare(200, 100, 20, 20, 40);
  const bright = { box: { x: 20, y: 20, width: 40, height: 40 }, score: 0.9 };
  const dark = { box: { x: 120, y: 20, width: 40, height: 40 }, score: 0.8 };
  const tiny = { box: { x: 150, y: 70, width: 10, height: 10 }, score: 0.95 };

  it('detects, tracks, classifies crops, smooths and scores engagement', async () => {
    const clf = new BrightnessClassifier();
    const p = new FramePipeline(new ScriptedDetector([[bright, dark, tiny], [dark, bright], [bright]]), clf, { emaAlpha: 0.5, crop: { size: 48, pad: 0 }, minFaceSize: 24 });
    const r0 = (await p.process(0, frame, 0)).result;
    // The 10 px face is below minFaceSize.
    expect(r0.faces.map((f) => f.id)).toEqual([1, 2]);
    expect(r0.faces[0]?.label).toBe('happy');
    expect(r0.faces[1]?.label).toBe('sad');
    expect(r0.classEngagement).toBeCloseTo(((r0.faces[0]?.engagement ?? 0) + (r0.faces[1]?.engagement ?? 0)) / 2, 12);
    const r1 = (await p.process(1, frame, 100)).result;
    expect(r1.faces.map((f) => f.id)).toEqual([2, 1]);
    expect(clf.calls).toEqual([2, 2]);
    const r2 = await p.process(2, frame, 200);
    expect(r2.result.faces.map((f) => f.id)).toEqual([1]);
    expect(r2.timing.totalMs).toBeGreaterThanOrEqual(0);
  });

  it('feeds sequence models each face its last T crops', async () => {
    const clf = new BrightnessClassifier(4);
    const p = new FramePipeline(new ScriptedDetector([[bright], [bright], [bright]]), clf);
    for (let i = 0; i < 3; i++) await p.process(i, frame, i * 100);
    expect(clf.calls).toEqual([1, 1, 1]);
  });

  it('classifies pre-cropped face images without detection', async () => {
    const white: PixelFrame = { data: new Uint8Array(48 * 48).fill(255), width: 48, height: 48, channels: 1 };
    const black: PixelFrame = { data: new Uint8Array(48 * 48), width: 48, height: 48, channels: 1 };
    const faces = await classifyFaceImages(new BrightnessClassifier(), [white, black]);
    expect(faces.map((f) => [f.id, f.label])).toEqual([[1, 'happy'], [2, 'sad']]);
  });
});

describe('suppressCovered', () => {
  const det = (x: number, w: number, score: number): Detection => ({ box: { x, y: 0, width: w, height: 100 }, score });

  it('drops a weaker box straddling two faces but keeps neighbours that only touch', () => {
    // Faces at 0-100 and 110-210; a weaker box 55-155 lies ~45% inside each.
    const faces = [det(0, 100, 0.9), det(110, 100, 0.85)];
    const straddle = det(55, 100, 0.5);
    expect(suppressCovered([faces[0] as Detection, straddle, faces[1] as Detection], 0.6)).toEqual(faces);
    // Overlapping neighbours (20% overlap) both stay.
    const near = [det(0, 100, 0.9), det(80, 100, 0.8)];
    expect(suppressCovered(near, 0.6)).toEqual(near);
    // The stronger of two boxes always stays, whatever its overlap.
    expect(suppressCovered([det(0, 100, 0.4), det(5, 100, 0.9)], 0.6)).toEqual([det(5, 100, 0.9)]);
    expect(() => suppressCovered([], 0)).toThrow(/maxCovered/);
  });
});

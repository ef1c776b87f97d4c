import { EXPRESSIONS, argmax, type Expression } from './expressions.ts';
import type { Box } from './geometry.ts';

export interface FaceResult {
  /** Tracker id, stable for the session. */
  id: number;
  box: Box;
  /** Detector confidence (1 for faces given without detection). */
  score: number;
  /** Smoothed probabilities in EXPRESSIONS order. */
  probs: number[];
  label: Expression;
  engagement: number;
}

export interface FrameResult {
  /** Milliseconds since the session started (camera time or video time). */
  t: number;
  faces: FaceResult[];
  classEngagement: number | null;
}

export interface FaceSummary {
  id: number;
  frames: number;
  firstT: number;
  lastT: number;
  meanEngagement: number;
  /** Milliseconds this face spent with each expression as its top label. */
  timePerExpression: Record<Expression, number>;
}

export interface SessionSummary {
  durationMs: number;
  frames: number;
  facesSeen: number;
  /** Mean of the class engagement over frames that had at least one face; null if none had. */
  meanEngagement: number | null;
  /** Face-milliseconds per top expression, summed over faces. */
  timePerExpression: Record<Expression, number>;
  faces: FaceSummary[];
}

function zeroTimes(): Record<Expression, number> {
  return Object.fromEntries(EXPRESSIONS.map((e) => [e, 0])) as Record<Expression, number>;
}

/**
 * Keeps every frame's results in memory for the session summary and the CSV export. Only numbers are
 * kept, never pixels: saving frames is a separate, opt-in feature (see frame-saver.ts).
 */
export class SessionRecorder {
  private frames: FrameResult[] = [];

  /** @param startedAt wall-clock start (ms since epoch), written into the CSV's timestamp column. */
  constructor(readonly startedAt: number) {}

  add(frame: FrameResult): void {
    const last = this.frames[this.frames.length - 1];
    if (last && frame.t < last.t) throw new Error(`frame time went backwards (${frame.t} ms after ${last.t} ms)`);
    this.frames.push(frame);
  }

  get frameCount(): number {
    return this.frames.length;
  }

  get all(): readonly FrameResult[] {
    return this.frames;
  }

  /**
   * Each frame stands for the time until the next one; the last frame gets the median frame interval,
   * so a one-frame session is not zero seconds long.
   */
  private durations(): number[] {
    const gaps = this.frames.slice(1).map((f, i) => f.t - (this.frames[i]?.t ?? f.t));
    const sorted = [...gaps].sort((a, b) => a - b);
    const median = sorted.length > 0 ? (sorted[Math.floor(sorted.length / 2)] ?? 0) : 0;
    return [...gaps, median];
  }

  summary(): SessionSummary {
    const durations = this.durations();
    const faces = new Map<number, FaceSummary & { engagementSum: number }>();
    const total = zeroTimes();
    let engagementSum = 0;
    let engagementFrames = 0;
    this.frames.forEach((frame, i) => {
      const dt = durations[i] ?? 0;
      if (frame.classEngagement !== null) {
        engagementSum += frame.classEngagement;
        engagementFrames += 1;
      }
      for (const face of frame.faces) {
        let s = faces.get(face.id);
        if (!s) {
          s = { id: face.id, frames: 0, firstT: frame.t, lastT: frame.t, meanEngagement: 0, engagementSum: 0, timePerExpression: zeroTimes() };
          faces.set(face.id, s);
        }
        s.frames += 1;
        s.lastT = frame.t;
        s.engagementSum += face.engagement;
        s.timePerExpression[face.label] += dt;
        total[face.label] += dt;
      }
    });
    const first = this.frames[0];
    const last = this.frames[this.frames.length - 1];
    return {
      durationMs: first && last ? last.t - first.t + (durations[durations.length - 1] ?? 0) : 0,
      frames: this.frames.length,
      facesSeen: faces.size,
      meanEngagement: engagementFrames > 0 ? engagementSum / engagementFrames : null,
      timePerExpression: total,
      faces: [...faces.values()].map(({ engagementSum: sum, ...s }) => ({ ...s, meanEngagement: sum / s.frames })),
    };
  }

  /** One row per face per frame; frames without faces write nothing. */
  toCsv(): string {
    const header = ['timestamp', 't_ms', 'face_id', 'x', 'y', 'width', 'height', 'detector_score', ...EXPRESSIONS.map((e) => `p_${e}`), 'label', 'engagement', 'class_engagement'];
    const lines = [header.join(',')];
    const r = (v: number, digits: number): string => (Number.isFinite(v) ? Number(v.toFixed(digits)).toString() : '');
    for (const frame of this.frames) {
      const stamp = new Date(this.startedAt + frame.t).toISOString();
      for (const f of frame.faces) {
        lines.push(
          [
            stamp,
            r(frame.t, 1),
            String(f.id),
            r(f.box.x, 1),
            r(f.box.y, 1),
            r(f.box.width, 1),
            r(f.box.height, 1),
            r(f.score, 4),
            ...f.probs.map((p) => r(p, 5)),
            f.label,
            r(f.engagement, 4),
            frame.classEngagement === null ? '' : r(frame.classEngagement, 4),
          ].join(','),
        );
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

/** Builds a FaceResult's label from its probabilities (kept here so every producer agrees). */
export function topLabel(probs: ArrayLike<number>): Expression {
  return EXPRESSIONS[argmax(probs)] ?? 'neutral';
}

import { iou, type Box } from './geometry.ts';

export interface TrackerOptions {
  /** Minimum IoU between a track's last box and a detection for them to be the same face. */
  minIou: number;
  /** Frames a track survives without a matching detection (a missed detection, a turned head). */
  maxMissed: number;
}

export const DEFAULT_TRACKER: TrackerOptions = { minIou: 0.3, maxMissed: 5 };

export interface Track {
  id: number;
  box: Box;
  /** Frames since the track was created. */
  age: number;
  /** Consecutive frames without a matching detection (0 when matched this frame). */
  missed: number;
}

export interface TrackUpdate {
  /** For each detection, in input order, the id of the track it was assigned to. */
  ids: number[];
  /** Ids of tracks removed in this update (their per-face state can be dropped). */
  ended: number[];
}

/**
 * Greedy IoU tracker: each frame, pairs of (track, detection) are matched in order of decreasing
 * IoU; unmatched detections start new tracks with fresh ids, unmatched tracks age out after
 * `maxMissed` frames. Ids are never reused, so a CSV row's face id means one person for the session.
 * Greedy matching is optimal in practice for a classroom's few, well-separated faces, and avoids a
 * Hungarian solver.
 */
export class IouTracker {
  private tracks: Track[] = [];
  private nextId = 1;
  readonly opts: TrackerOptions;

  constructor(opts: Partial<TrackerOptions> = {}) {
    this.opts = { ...DEFAULT_TRACKER, ...opts };
    if (!(this.opts.minIou > 0 && this.opts.minIou <= 1)) throw new Error(`minIou must be in (0, 1], got ${this.opts.minIou}`);
    if (!(Number.isInteger(this.opts.maxMissed) && this.opts.maxMissed >= 0)) {
      throw new Error(`maxMissed must be a whole number >= 0, got ${this.opts.maxMissed}`);
    }
  }

  /** Live tracks (including ones currently coasting on missed frames). */
  get active(): readonly Track[] {
    return this.tracks;
  }

  update(boxes: readonly Box[]): TrackUpdate {
    const pairs: { t: number; d: number; score: number }[] = [];
    this.tracks.forEach((track, t) => {
      boxes.forEach((box, d) => {
        const score = iou(track.box, box);
        if (score >= this.opts.minIou) pairs.push({ t, d, score });
      });
    });
    pairs.sort((a, b) => b.score - a.score);
    const trackTaken = new Set<number>();
    const ids: number[] = new Array<number>(boxes.length).fill(0);
    for (const { t, d } of pairs) {
      if (trackTaken.has(t) || ids[d] !== 0) continue;
      const track = this.tracks[t];
      const box = boxes[d];
      if (!track || !box) continue;
      trackTaken.add(t);
      ids[d] = track.id;
      track.box = { ...box };
      track.missed = 0;
    }
    const ended: number[] = [];
    this.tracks = this.tracks.filter((track, t) => {
      track.age += 1;
      if (trackTaken.has(t)) return true;
      track.missed += 1;
      if (track.missed > this.opts.maxMissed) {
        ended.push(track.id);
        return false;
      }
      return true;
    });
    boxes.forEach((box, d) => {
      if (ids[d] !== 0) return;
      const track: Track = { id: this.nextId++, box: { ...box }, age: 0, missed: 0 };
      this.tracks.push(track);
      ids[d] = track.id;
    });
    return { ids, ended };
  }

  reset(): void {
    this.tracks = [];
    this.nextId = 1;
  }
}

/**
 * Per-face temporal smoothing of expression probabilities. Single-frame predictions flicker between
 * neighbouring classes (neutral/sad, fear/surprise); a classroom display should change label only when
 * the face does.
 */

/**
 * Exponential moving average per face id: s_t = alpha * p_t + (1 - alpha) * s_{t-1}, started at the
 * first prediction. alpha = 1 disables smoothing; smaller alpha is steadier but lags more (the
 * half-life is ln(0.5) / ln(1 - alpha) frames, about 2 frames at the default 0.3).
 */
export class EmaSmoother {
  private state = new Map<number, number[]>();

  constructor(readonly alpha: number) {
    if (!(alpha > 0 && alpha <= 1)) throw new Error(`EMA alpha must be in (0, 1], got ${alpha}`);
  }

  update(id: number, probs: ArrayLike<number>): number[] {
    const prev = this.state.get(id);
    let next: number[];
    if (!prev || prev.length !== probs.length) {
      next = Array.from(probs);
    } else {
      next = prev.map((s, i) => this.alpha * (probs[i] ?? 0) + (1 - this.alpha) * s);
    }
    this.state.set(id, next);
    return next.slice();
  }

  forget(id: number): void {
    this.state.delete(id);
  }

  clear(): void {
    this.state.clear();
  }
}

/**
 * The last T face crops per face id, for sequence models (DCNNBEA's LSTM takes T frames). Until a
 * face has T frames, its earliest crop is repeated at the front: the model then sees a still face,
 * which is what a face that just appeared looks like, rather than zeros it never saw in training.
 */
export class FrameSequenceBuffer {
  private frames = new Map<number, Uint8Array[]>();

  constructor(readonly length: number) {
    if (!(Number.isInteger(length) && length >= 1)) throw new Error(`sequence length must be a whole number >= 1, got ${length}`);
  }

  /** Adds this frame's crop for `id` and returns the T crops to feed, oldest first. */
  push(id: number, crop: Uint8Array): Uint8Array[] {
    const list = this.frames.get(id) ?? [];
    list.push(crop);
    if (list.length > this.length) list.splice(0, list.length - this.length);
    this.frames.set(id, list);
    const first = list[0] ?? crop;
    const padding = new Array<Uint8Array>(this.length - list.length).fill(first);
    return [...padding, ...list];
  }

  /** Frames actually seen for `id` (at most T). */
  count(id: number): number {
    return this.frames.get(id)?.length ?? 0;
  }

  forget(id: number): void {
    this.frames.delete(id);
  }

  clear(): void {
    this.frames.clear();
  }
}

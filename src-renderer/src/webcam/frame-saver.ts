/**
 * Opt-in saving of frames (off unless the user ticks the box). Keeps at most one JPEG every
 * `intervalMs` and at most `maxFrames` in memory, for the user to download; nothing is written
 * anywhere unless they do.
 */
export interface SavedFrame {
  t: number;
  blob: Blob;
}

export class FrameSaver {
  private frames: SavedFrame[] = [];
  private lastT = -Infinity;

  constructor(
    readonly intervalMs = 1000,
    readonly maxFrames = 300,
  ) {}

  get saved(): readonly SavedFrame[] {
    return this.frames;
  }

  get full(): boolean {
    return this.frames.length >= this.maxFrames;
  }

  /** Saves the canvas if enough time has passed since the last saved frame; returns whether it did. */
  async maybeSave(canvas: HTMLCanvasElement, t: number): Promise<boolean> {
    if (this.full || t - this.lastT < this.intervalMs) return false;
    this.lastT = t;
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (!blob) return false;
    this.frames.push({ t, blob });
    return true;
  }

  clear(): void {
    this.frames = [];
    this.lastT = -Infinity;
  }
}

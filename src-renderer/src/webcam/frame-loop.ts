import type { FrameGrabber } from './frame-grabber.ts';
import type { PixelFrame } from './crop.ts';
import type { FramePipeline, FrameTiming } from './pipeline.ts';
import type { FrameResult } from './session-recorder.ts';

type Source = PixelFrame;

export interface LoopCallbacks {
  onFrame(result: FrameResult, timing: FrameTiming): void | Promise<void>;
  onError(err: Error): void;
}

/**
 * Runs the pipeline on a live video (camera) as fast as it can: each pass takes the newest frame,
 * so when inference is slower than the camera, frames are skipped rather than queued (the display
 * stays live). Times are ms since start().
 */
export class LiveLoop {
  private running = false;
  private startedAt = 0;
  private lastVideoTime = -1;

  constructor(
    private video: HTMLVideoElement,
    private grabber: FrameGrabber,
    private pipeline: FramePipeline<Source>,
    private cb: LoopCallbacks,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = performance.now();
    void this.loop();
  }

  stop(): void {
    this.running = false;
  }

  private async nextFrame(): Promise<void> {
    await new Promise<void>((resolve) => {
      if ('requestVideoFrameCallback' in this.video) this.video.requestVideoFrameCallback(() => resolve());
      else requestAnimationFrame(() => resolve());
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        // Only wait when the newest frame was already analysed: when inference is slower than the
        // camera a new frame is always ready, and waiting for the one after would waste up to a frame.
        if (this.video.readyState < 2 || this.video.currentTime === this.lastVideoTime) {
          await this.nextFrame();
          continue;
        }
        // WASM inference resolves through microtasks only; without a real yield the page would
        // never render or handle input while frames keep coming.
        await yieldToEventLoop();
        if (!this.running) break;
        this.lastVideoTime = this.video.currentTime;
        const pixels = this.grabber.grab(this.video);
        const { result, timing } = await this.pipeline.process(pixels, pixels, performance.now() - this.startedAt);
        if (this.running) await this.cb.onFrame(result, timing);
      } catch (err) {
        this.running = false;
        this.cb.onError(err as Error);
      }
    }
  }
}

/** Lets the browser run rendering and input tasks (a macrotask boundary, without setTimeout's clamp). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Analyses a recorded video at a fixed sampling rate in video time, seeking frame by frame: this is
 * as fast as inference allows (faster than real time when inference is quick) and gives the same
 * result on every run. Returns the number of frames analysed.
 */
export async function analyseVideoFile(
  video: HTMLVideoElement,
  grabber: FrameGrabber,
  pipeline: FramePipeline<Source>,
  stepMs: number,
  cb: LoopCallbacks & { shouldStop(): boolean },
): Promise<number> {
  if (!(stepMs > 0)) throw new Error(`sampling interval must be > 0 ms, got ${stepMs}`);
  video.pause();
  const duration = await knownDuration(video);
  let frames = 0;
  for (let t = 0; t < duration * 1000 && !cb.shouldStop(); t += stepMs) {
    await seek(video, t / 1000);
    const pixels = grabber.grab(video);
    const { result, timing } = await pipeline.process(pixels, pixels, t);
    await cb.onFrame(result, timing);
    frames += 1;
  }
  return frames;
}

function seek(video: HTMLVideoElement, seconds: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      video.removeEventListener('seeked', done);
      video.removeEventListener('error', fail);
      resolve();
    };
    const fail = (): void => {
      video.removeEventListener('seeked', done);
      video.removeEventListener('error', fail);
      reject(new Error(`could not seek the video to ${seconds.toFixed(2)} s`));
    };
    video.addEventListener('seeked', done);
    video.addEventListener('error', fail);
    video.currentTime = seconds;
  });
}

/**
 * MediaRecorder's WebM files have no duration in their header (Infinity until the end is found);
 * seeking far past the end makes the browser scan for it.
 */
async function knownDuration(video: HTMLVideoElement): Promise<number> {
  if (video.readyState < 1) {
    await new Promise<void>((resolve, reject) => {
      video.addEventListener('loadedmetadata', () => resolve(), { once: true });
      video.addEventListener('error', () => reject(new Error('the video file could not be decoded')), { once: true });
    });
  }
  if (Number.isFinite(video.duration)) return video.duration;
  await seek(video, 1e7);
  const d = video.duration;
  if (!Number.isFinite(d)) throw new Error('the video file has no known duration');
  return d;
}

import { cropFace, type CropOptions, type PixelFrame, DEFAULT_CROP } from './crop.ts';
import { classEngagement, engagementScore, DEFAULT_ENGAGEMENT_WEIGHTS, type EngagementWeights } from './engagement.ts';
import { coveredFraction, type Box } from './geometry.ts';
import { EmaSmoother, FrameSequenceBuffer } from './smoothing.ts';
import { IouTracker, type TrackerOptions } from './tracker.ts';
import { topLabel, type FaceResult, type FrameResult } from './session-recorder.ts';

export interface Detection {
  box: Box;
  score: number;
}

/** Finds faces in one frame. `TInput` is whatever the detector reads (a canvas in the browser). */
export interface FaceDetector<TInput> {
  detect(input: TInput): Promise<Detection[]>;
  dispose(): void;
}

/**
 * Classifies faces. Each face comes as its last `sequenceLength` grayscale crops (oldest first; one
 * crop for single-frame models); the result is one probability vector per face in EXPRESSIONS order.
 */
export interface ExpressionClassifier {
  readonly name: string;
  readonly sequenceLength: number;
  readonly cropSize: number;
  classify(faces: Uint8Array[][]): Promise<number[][]>;
  dispose(): void;
}

export interface PipelineOptions {
  crop: CropOptions;
  tracker: Partial<TrackerOptions>;
  /** EMA factor for single-frame models; 1 turns smoothing off. Sequence models smooth through their LSTM. */
  emaAlpha: number;
  /** Detections whose shorter side is below this many pixels are ignored (faces at the back of a hall). */
  minFaceSize: number;
  /**
   * A detection whose area is more than this fraction inside higher-scoring detections is dropped.
   * The tiny detector's NMS keeps boxes straddling two neighbouring heads (each overlap is small
   * in IoU terms); measured on the e2e fixture, such a box sits ~45% inside each of its neighbours.
   */
  maxCovered: number;
  weights: EngagementWeights;
}

export const DEFAULT_PIPELINE: PipelineOptions = {
  crop: DEFAULT_CROP,
  tracker: {},
  emaAlpha: 0.3,
  minFaceSize: 24,
  maxCovered: 0.6,
  weights: DEFAULT_ENGAGEMENT_WEIGHTS,
};

export interface FrameTiming {
  detectMs: number;
  classifyMs: number;
  totalMs: number;
}

/**
 * One frame through detect -> track -> crop (48x48 gray) -> classify -> smooth -> engagement.
 * Framework-free: the view feeds it frames and draws what comes back.
 */
export class FramePipeline<TInput> {
  readonly opts: PipelineOptions;
  private tracker: IouTracker;
  private ema: EmaSmoother;
  private sequences: FrameSequenceBuffer;

  constructor(
    private detector: FaceDetector<TInput>,
    private classifier: ExpressionClassifier,
    opts: Partial<PipelineOptions> = {},
    private now: () => number = () => performance.now(),
  ) {
    this.opts = { ...DEFAULT_PIPELINE, ...opts, crop: { ...DEFAULT_PIPELINE.crop, ...opts.crop, size: classifier.cropSize } };
    this.tracker = new IouTracker(this.opts.tracker);
    this.ema = new EmaSmoother(this.opts.emaAlpha);
    this.sequences = new FrameSequenceBuffer(classifier.sequenceLength);
  }

  /** Runs one frame. `t` is the frame's time in ms since the session started. */
  async process(input: TInput, pixels: PixelFrame, t: number): Promise<{ result: FrameResult; timing: FrameTiming }> {
    const t0 = this.now();
    const found = suppressCovered(
      (await this.detector.detect(input)).filter((d) => Math.min(d.box.width, d.box.height) >= this.opts.minFaceSize),
      this.opts.maxCovered,
    );
    const t1 = this.now();
    const { ids, ended } = this.tracker.update(found.map((d) => d.box));
    for (const id of ended) {
      this.ema.forget(id);
      this.sequences.forget(id);
    }
    const inputs = found.map((d, i) => {
      const crop = cropFace(pixels, d.box, this.opts.crop);
      const id = ids[i] ?? 0;
      return this.classifier.sequenceLength > 1 ? this.sequences.push(id, crop) : [crop];
    });
    const raw = inputs.length > 0 ? await this.classifier.classify(inputs) : [];
    const t2 = this.now();
    const faces: FaceResult[] = found.map((d, i) => {
      const id = ids[i] ?? 0;
      const p = raw[i];
      if (!p) throw new Error(`classifier ${this.classifier.name} returned ${raw.length} results for ${found.length} faces`);
      const probs = this.classifier.sequenceLength > 1 ? p : this.ema.update(id, p);
      const engagement = engagementScore(probs, this.opts.weights);
      return { id, box: d.box, score: d.score, probs, label: topLabel(probs), engagement };
    });
    const result: FrameResult = { t, faces, classEngagement: classEngagement(faces.map((f) => f.engagement)) };
    return { result, timing: { detectMs: t1 - t0, classifyMs: t2 - t1, totalMs: t2 - t0 } };
  }

  reset(): void {
    this.tracker.reset();
    this.ema.clear();
    this.sequences.clear();
  }
}

/**
 * Drops detections lying mostly inside higher-scoring ones (summed over them, so a box straddling two
 * faces counts both overlaps). Keeps the input order of the survivors.
 */
export function suppressCovered(dets: Detection[], maxCovered: number): Detection[] {
  if (!(maxCovered > 0 && maxCovered <= 1)) throw new Error(`maxCovered must be in (0, 1], got ${maxCovered}`);
  const byScore = dets.map((d, i) => ({ d, i })).sort((a, b) => b.d.score - a.d.score);
  const kept: { d: Detection; i: number }[] = [];
  for (const c of byScore) {
    const covered = kept.reduce((sum, k) => sum + coveredFraction(c.d.box, k.d.box), 0);
    if (covered <= maxCovered) kept.push(c);
  }
  return kept.sort((a, b) => a.i - b.i).map((k) => k.d);
}

/**
 * Classifies pre-cropped face images without detection (detectors miss tight crops such as
 * FER2013's): each whole image is the face. Ids follow the input order, starting at 1.
 */
export async function classifyFaceImages(
  classifier: ExpressionClassifier,
  images: PixelFrame[],
  weights: EngagementWeights = DEFAULT_ENGAGEMENT_WEIGHTS,
): Promise<FaceResult[]> {
  const inputs = images.map((img) => {
    const crop = cropFace(img, { x: 0, y: 0, width: img.width, height: img.height }, { size: classifier.cropSize, pad: 0 });
    return new Array<Uint8Array>(classifier.sequenceLength).fill(crop);
  });
  const probs = inputs.length > 0 ? await classifier.classify(inputs) : [];
  return images.map((img, i) => {
    const p = probs[i];
    if (!p) throw new Error(`classifier ${classifier.name} returned ${probs.length} results for ${images.length} images`);
    return {
      id: i + 1,
      box: { x: 0, y: 0, width: img.width, height: img.height },
      score: 1,
      probs: p,
      label: topLabel(p),
      engagement: engagementScore(p, weights),
    };
  });
}

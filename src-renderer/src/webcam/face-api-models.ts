/**
 * The detector and the "pretrained" expression model from @vladmandic/face-api, loaded from the
 * package's own model/ folder. The weight files are referenced with `new URL(..., import.meta.url)`,
 * so Vite copies them into the renderer build (and serves them in dev): the app, the browser-mode
 * server and Electron all load them from their own origin, never from the network.
 *
 * The no-bundle ESM build is used so face-api shares the project's @tensorflow/tfjs 4.22.0 instance
 * (one backend, one WebGL context) with the classifiers loaded from saved runs.
 */
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import * as tf from '@tensorflow/tfjs';
import tinyManifest from '@vladmandic/face-api/model/tiny_face_detector_model-weights_manifest.json';
import ssdManifest from '@vladmandic/face-api/model/ssd_mobilenetv1_model-weights_manifest.json';
import expressionManifest from '@vladmandic/face-api/model/face_expression_model-weights_manifest.json';
import { reorderProbabilities } from './expressions.ts';
import type { Detection, ExpressionClassifier, FaceDetector } from './pipeline.ts';
import type { PixelFrame } from './crop.ts';

const WEIGHT_URLS = {
  tiny: new URL('../../../node_modules/@vladmandic/face-api/model/tiny_face_detector_model.bin', import.meta.url).href,
  ssd: new URL('../../../node_modules/@vladmandic/face-api/model/ssd_mobilenetv1_model.bin', import.meta.url).href,
  expression: new URL('../../../node_modules/@vladmandic/face-api/model/face_expression_model.bin', import.meta.url).href,
};

/** JSON imports widen dtype to string; the manifests are tfjs weight manifests. */
type ManifestJson = { paths: string[]; weights: unknown[] }[];

async function loadWeightMap(manifest: ManifestJson, url: string): Promise<tf.NamedTensorMap> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load face model weights ${url}: HTTP ${res.status}`);
  const buffer = await res.arrayBuffer();
  const specs = manifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  return tf.io.decodeWeights(buffer, specs);
}

export type DetectorKind = 'tiny' | 'ssd';

export interface DetectorOptions {
  kind: DetectorKind;
  /** Tiny detector input side (multiple of 32); larger finds smaller faces, slower. */
  inputSize: number;
  /** Minimum detector confidence. */
  minScore: number;
}

export const DEFAULT_DETECTOR: DetectorOptions = { kind: 'tiny', inputSize: 416, minScore: 0.4 };

/**
 * A frame already copied to memory (preferred: the detector then reads the same pixels as the
 * cropper without a second canvas read-back) or a media element.
 */
export type DetectorInput = PixelFrame | HTMLCanvasElement | HTMLVideoElement | HTMLImageElement;

/** face-api's tiny face detector or SSD MobileNet v1 behind the pipeline's FaceDetector interface. */
export class FaceApiDetector implements FaceDetector<DetectorInput> {
  private constructor(
    private net: faceapi.TinyFaceDetector | faceapi.SsdMobilenetv1,
    readonly opts: DetectorOptions,
  ) {}

  static async load(opts: Partial<DetectorOptions> = {}): Promise<FaceApiDetector> {
    const o = { ...DEFAULT_DETECTOR, ...opts };
    if (o.kind === 'tiny' && (o.inputSize % 32 !== 0 || o.inputSize < 128)) {
      throw new Error(`tiny face detector input size must be a multiple of 32 and >= 128, got ${o.inputSize}`);
    }
    if (!(o.minScore > 0 && o.minScore < 1)) throw new Error(`minimum detector score must be in (0, 1), got ${o.minScore}`);
    const net = o.kind === 'tiny' ? new faceapi.TinyFaceDetector() : new faceapi.SsdMobilenetv1();
    const map = await loadWeightMap(o.kind === 'tiny' ? tinyManifest : ssdManifest, WEIGHT_URLS[o.kind]);
    net.loadFromWeightMap(map as unknown as Parameters<typeof net.loadFromWeightMap>[0]);
    return new FaceApiDetector(net, o);
  }

  async detect(input: DetectorInput): Promise<Detection[]> {
    const tensor = 'data' in input ? frameTensor(input) : null;
    const netInput = (tensor ?? input) as faceapi.TNetInput;
    try {
      const found =
        this.net instanceof faceapi.TinyFaceDetector
          ? await this.net.locateFaces(netInput, new faceapi.TinyFaceDetectorOptions({ inputSize: this.opts.inputSize, scoreThreshold: this.opts.minScore }))
          : await this.net.locateFaces(netInput, new faceapi.SsdMobilenetv1Options({ minConfidence: this.opts.minScore }));
      return found.map((d) => ({ box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height }, score: d.score }));
    } finally {
      tensor?.dispose();
    }
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** RGB tensor [H, W, 3] of a frame, 0..255 (what face-api reads from a canvas, without drawing one). */
function frameTensor(frame: PixelFrame): tf.Tensor3D {
  const { width, height, channels, data } = frame;
  if (channels === 3) return tf.tensor3d(Float32Array.from(data), [height, width, 3], 'float32');
  const rgb = new Float32Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    const k = i * channels;
    const r = data[k] ?? 0;
    rgb[j] = r;
    rgb[j + 1] = channels === 1 ? r : (data[k + 1] ?? 0);
    rgb[j + 2] = channels === 1 ? r : (data[k + 2] ?? 0);
  }
  return tf.tensor3d(rgb, [height, width, 3], 'float32');
}

/**
 * face-api's own expression network as a ready-made classifier, so the demo works before any model
 * is trained. It is fed the same 48x48 grayscale crop as the project's models (replicated to three
 * channels; it resizes to 112x112 itself): the issue measured 58.8% on FER2013 PrivateTest that way.
 */
export class FaceApiExpressionClassifier implements ExpressionClassifier {
  readonly name = 'pretrained (face-api expression model)';
  readonly sequenceLength = 1;
  readonly cropSize = 48;

  private constructor(private net: faceapi.FaceExpressionNet) {}

  static async load(): Promise<FaceApiExpressionClassifier> {
    const net = new faceapi.FaceExpressionNet();
    const map = await loadWeightMap(expressionManifest, WEIGHT_URLS.expression);
    net.loadFromWeightMap(map as unknown as Parameters<typeof net.loadFromWeightMap>[0]);
    return new FaceApiExpressionClassifier(net);
  }

  async classify(faces: Uint8Array[][]): Promise<number[][]> {
    if (faces.length === 0) return [];
    const size = this.cropSize;
    const out = tf.tidy(() => {
      const crops = faces.map((seq, i) => {
        const crop = seq[seq.length - 1];
        if (!crop || crop.length !== size * size) throw new Error(`face ${i}: expected a ${size}x${size} crop`);
        const gray = tf.tensor3d(crop, [size, size, 1], 'float32');
        return tf.tile(gray, [1, 1, 3]) as tf.Tensor3D;
      });
      const input = new faceapi.NetInput(crops as unknown as faceapi.TResolvedNetInput[], true);
      return this.net.forwardInput(input) as unknown as tf.Tensor2D;
    });
    const rows = (await out.array()) as number[][];
    out.dispose();
    return rows.map((r) => reorderProbabilities(faceapi.FACE_EXPRESSION_LABELS as unknown as string[], r));
  }

  dispose(): void {
    this.net.dispose();
  }
}


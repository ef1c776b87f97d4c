/**
 * A model trained in FER Lab as a webcam classifier: the folder `fer-lab export-model` writes
 * (model.json, its weights shard, and fer-lab-model.json with class names, normalisation and head).
 * The input shape tells single-frame models ([null, S, S, 1]) from DCNNBEA's sequence input
 * ([null, T, S, S, 1]). Without fer-lab-model.json, FER2013's canonical class order, 0..1 scaling
 * and a softmax head are assumed.
 */
import * as tf from '@tensorflow/tfjs';
// Registers FER Lab's custom layers (Tafmn, FoldTime, UnfoldTime) so saved models using them load.
import '../../../src-main/ml/layers/index.ts';
import { EXPRESSIONS, reorderProbabilities } from './expressions.ts';
import type { ExpressionClassifier } from './pipeline.ts';

/** The parts of fer-lab-model.json (src-main/portable/model-export.ts) the webcam needs. */
export interface ModelMeta {
  classNames: string[];
  normalization: { kind: 'scale' | 'standardize'; mean: number; std: number };
  head: 'softmax' | 'svm';
}

const DEFAULT_META: ModelMeta = { classNames: [...EXPRESSIONS], normalization: { kind: 'scale', mean: 0, std: 1 }, head: 'softmax' };

/** Validates fer-lab-model.json, naming the file and field that is wrong. */
export function parseModelMeta(text: string, file = 'fer-lab-model.json'): ModelMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  const o = raw as Partial<Record<string, unknown>>;
  if (o?.format !== 'fer-lab-model') throw new Error(`${file}: field "format" must be "fer-lab-model"`);
  const classNames = o.classNames;
  if (!Array.isArray(classNames) || !classNames.every((c) => typeof c === 'string')) throw new Error(`${file}: field "classNames" must be a list of names`);
  const n = o.normalization as Partial<ModelMeta['normalization']> | undefined;
  if (!n || (n.kind !== 'scale' && n.kind !== 'standardize') || typeof n.mean !== 'number' || typeof n.std !== 'number' || !(n.std > 0)) {
    throw new Error(`${file}: field "normalization" must be {kind: scale|standardize, mean, std > 0}`);
  }
  if (o.head !== 'softmax' && o.head !== 'svm') throw new Error(`${file}: field "head" must be "softmax" or "svm"`);
  return { classNames: classNames as string[], normalization: { kind: n.kind, mean: n.mean, std: n.std }, head: o.head };
}

export class TfjsModelClassifier implements ExpressionClassifier {
  readonly sequenceLength: number;
  readonly cropSize: number;

  private classNames: readonly string[];

  constructor(
    private model: tf.LayersModel,
    readonly name: string,
    private meta: ModelMeta = DEFAULT_META,
  ) {
    const classNames = meta.classNames;
    this.classNames = classNames;
    // Fail now, naming the class, rather than on the first face.
    reorderProbabilities(classNames, new Array<number>(classNames.length).fill(0));
    const shape = model.inputs[0]?.shape ?? [];
    if (shape.length === 4 && shape[1] === shape[2] && shape[3] === 1 && typeof shape[1] === 'number') {
      this.sequenceLength = 1;
      this.cropSize = shape[1];
    } else if (shape.length === 5 && typeof shape[1] === 'number' && shape[2] === shape[3] && shape[4] === 1 && typeof shape[2] === 'number') {
      this.sequenceLength = shape[1];
      this.cropSize = shape[2];
    } else {
      throw new Error(`model ${name}: expected a grayscale input [batch, S, S, 1] or [batch, T, S, S, 1], got [${shape.join(', ')}]`);
    }
    const out = model.outputs[0]?.shape ?? [];
    if (out[out.length - 1] !== classNames.length) {
      throw new Error(`model ${name}: output has ${String(out[out.length - 1])} classes, expected ${classNames.length} (${classNames.join(', ')})`);
    }
  }

  /** Loads from the files the user picked: model.json, its .bin weights, optionally fer-lab-model.json. */
  static async fromFiles(files: File[]): Promise<TfjsModelClassifier> {
    const metaFile = files.find((f) => f.name === 'fer-lab-model.json');
    const json = files.find((f) => f !== metaFile && f.name.endsWith('.json'));
    if (!json) throw new Error('pick the model.json file together with its .bin weight files');
    const weights = files.filter((f) => f.name.endsWith('.bin'));
    if (weights.length === 0) throw new Error(`pick the weight file(s) listed in ${json.name} (.bin) together with it`);
    const meta = metaFile ? parseModelMeta(await metaFile.text()) : DEFAULT_META;
    const model = await tf.loadLayersModel(tf.io.browserFiles([json, ...weights]));
    return new TfjsModelClassifier(model, json.name === 'model.json' && metaFile ? 'FER Lab model' : json.name, meta);
  }

  /** Loads the files `runs:model` returns (the same three files `fer-lab export-model` writes). */
  static async fromRunFiles(files: { modelJson: string; weightsBase64: string; metaJson: string }, name: string): Promise<TfjsModelClassifier> {
    let json: { modelTopology?: object; weightsManifest?: { weights: tf.io.WeightsManifestEntry[] }[] };
    try {
      json = JSON.parse(files.modelJson) as typeof json;
    } catch {
      throw new Error(`${name}: model.json is not valid JSON`);
    }
    if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error(`${name}: model.json has no modelTopology/weightsManifest`);
    const bin = atob(files.weightsBase64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: bytes.buffer }),
    );
    return new TfjsModelClassifier(model, name, parseModelMeta(files.metaJson));
  }

  async classify(faces: Uint8Array[][]): Promise<number[][]> {
    if (faces.length === 0) return [];
    const s = this.cropSize;
    const t = this.sequenceLength;
    const flat = new Float32Array(faces.length * t * s * s);
    faces.forEach((seq, i) => {
      if (seq.length !== t) throw new Error(`face ${i}: expected ${t} frames, got ${seq.length}`);
      seq.forEach((crop, j) => {
        if (crop.length !== s * s) throw new Error(`face ${i}: expected ${s}x${s} crops`);
        const base = (i * t + j) * s * s;
        const { kind, mean, std } = this.meta.normalization;
        for (let k = 0; k < crop.length; k++) {
          const v = (crop[k] ?? 0) / 255;
          flat[base + k] = kind === 'standardize' ? (v - mean) / std : v;
        }
      });
    });
    const shape = t > 1 ? [faces.length, t, s, s, 1] : [faces.length, s, s, 1];
    const out = tf.tidy(() => {
      const scores = this.model.predict(tf.tensor(flat, shape)) as tf.Tensor2D;
      // SVM heads give one-vs-rest scores; a softmax turns them into comparable weights.
      return this.meta.head === 'svm' ? tf.softmax(scores) : scores;
    });
    const rows = (await out.array()) as number[][];
    out.dispose();
    return rows.map((r) => reorderProbabilities(this.classNames, r));
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * A model trained in FER Lab (a tfjs LayersModel: model.json plus weight files) as a webcam
 * classifier. The input shape tells single-frame models ([null, S, S, 1]) from sequence models such as
 * DCNNBEA ([null, T, S, S, 1]); pixels are scaled to [0, 1] as in training; the seven outputs are in
 * FER2013's canonical class order unless class names are given.
 */
import * as tf from '@tensorflow/tfjs';
import { EXPRESSIONS, reorderProbabilities } from './expressions.ts';
import type { ExpressionClassifier } from './pipeline.ts';

export class TfjsModelClassifier implements ExpressionClassifier {
  readonly sequenceLength: number;
  readonly cropSize: number;

  constructor(
    private model: tf.LayersModel,
    readonly name: string,
    private classNames: readonly string[] = EXPRESSIONS,
  ) {
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

  /** Loads from files the user picked (model.json and its weight .bin files). */
  static async fromFiles(files: File[]): Promise<TfjsModelClassifier> {
    const json = files.find((f) => f.name.endsWith('.json'));
    if (!json) throw new Error('pick the model.json file together with its .bin weight files');
    const weights = files.filter((f) => f !== json);
    const model = await tf.loadLayersModel(tf.io.browserFiles([json, ...weights]));
    return new TfjsModelClassifier(model, json.name);
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
        for (let k = 0; k < crop.length; k++) flat[base + k] = (crop[k] ?? 0) / 255;
      });
    });
    const shape = t > 1 ? [faces.length, t, s, s, 1] : [faces.length, s, s, 1];
    const out = tf.tidy(() => this.model.predict(tf.tensor(flat, shape)) as tf.Tensor2D);
    const rows = (await out.array()) as number[][];
    out.dispose();
    return rows.map((r) => reorderProbabilities(this.classNames, r));
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Evaluation of a trained model on one split: class probabilities for every sample (optionally
 * averaged over ten crops), then the metrics module's report and the per-sample predictions that
 * McNemar comparisons need.
 */
import * as tf from '@tensorflow/tfjs';
import type { FerDataset } from '../../data/types.ts';
import { evaluatePredictions, type EvaluationResult } from '../metrics/evaluate.ts';
import { pixelBatch, type Normalization } from './batches.ts';
import { tenCrops } from './augment.ts';
import { scoresToProbabilities } from '../models/svm.ts';
import type { InputAdapter } from './trainer.ts';

export interface EvaluateOptions {
  model: tf.LayersModel;
  head: 'softmax' | 'svm';
  dataset: FerDataset;
  indices: readonly number[];
  toInput: InputAdapter;
  norm: Normalization;
  batchSize: number;
  tta: boolean;
}

/** SVM heads output one-vs-rest margins; the model zoo maps them to rows that sum to 1. */
function toProbabilities(out: tf.Tensor2D, head: 'softmax' | 'svm'): tf.Tensor2D {
  return head === 'svm' ? (scoresToProbabilities(out) as tf.Tensor2D) : out;
}

export async function predictProbabilities(opts: EvaluateOptions): Promise<Float32Array> {
  const { model, dataset, indices, batchSize } = opts;
  const k = dataset.classNames.length;
  const out = new Float32Array(indices.length * k);
  // Ten crops multiply the batch by 10; keep the forward pass the same size as in training.
  const step = opts.tta ? Math.max(1, Math.floor(batchSize / 10)) : batchSize;
  for (let start = 0; start < indices.length; start += step) {
    const idx = indices.slice(start, start + step);
    const probs = tf.tidy(() => {
      const x01 = pixelBatch(dataset, idx);
      if (!opts.tta) return toProbabilities(model.predict(opts.toInput(x01, opts.norm)) as tf.Tensor2D, opts.head);
      const views = tenCrops(x01);
      const p = toProbabilities(model.predict(opts.toInput(views, opts.norm)) as tf.Tensor2D, opts.head);
      return p.reshape([10, idx.length, k]).mean(0) as tf.Tensor2D;
    });
    out.set(await probs.data(), start * k);
    probs.dispose();
  }
  return out;
}

export async function evaluateSplit(opts: EvaluateOptions): Promise<EvaluationResult> {
  const probs = await predictProbabilities(opts);
  const labels = Uint8Array.from(opts.indices, (i) => opts.dataset.labels[i]!);
  return evaluatePredictions(probs, labels, opts.dataset.classNames);
}

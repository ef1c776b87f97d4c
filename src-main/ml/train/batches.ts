/**
 * Turns the decoded Uint8 dataset into input tensors. JavaScript only copies whole samples into one
 * staging buffer; scaling, normalisation, resizing and channel expansion are tensor ops on the device.
 */
import * as tf from '@tensorflow/tfjs';
import type { FerDataset } from '../../data/types.ts';

export interface Normalization {
  kind: 'scale' | 'standardize';
  mean: number;
  std: number;
}

/** The model's expected input: height, width, channels. */
export type InputShape = [number, number, number];

export function modelInputShape(model: tf.LayersModel): InputShape {
  const shape = model.inputs[0]?.shape;
  if (!shape || shape.length !== 4) throw new Error(`model input must be [batch, height, width, channels], got ${JSON.stringify(shape)}`);
  const [, h, w, c] = shape;
  if (!h || !w || !c) throw new Error(`model input shape must be fully defined, got ${JSON.stringify(shape)}`);
  return [h, w, c];
}

/** [B, H, W, 1] float32 in 0..1 at the dataset's own size. */
export function pixelBatch(dataset: FerDataset, indices: readonly number[]): tf.Tensor4D {
  const size = dataset.height * dataset.width;
  const staging = new Int32Array(indices.length * size);
  indices.forEach((sample, k) => staging.set(dataset.pixels.subarray(sample * size, (sample + 1) * size), k * size));
  return tf.tidy(() => tf.tensor4d(staging, [indices.length, dataset.height, dataset.width, 1], 'int32').toFloat().div(255));
}

export function labelBatch(dataset: FerDataset, indices: readonly number[]): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from(indices, (i) => dataset.labels[i]!), 'int32');
}

/** Normalises 0..1 pixels and adapts them to the model's input size and channel count. */
export function toModelInput(x01: tf.Tensor4D, norm: Normalization, input: InputShape): tf.Tensor4D {
  return tf.tidy(() => {
    const [h, w, c] = input;
    let x: tf.Tensor4D = x01;
    if (x.shape[1] !== h || x.shape[2] !== w) x = tf.image.resizeBilinear(x, [h, w], true);
    if (norm.kind === 'standardize') x = x.sub(norm.mean).div(norm.std);
    if (c !== 1) x = tf.tile(x, [1, 1, 1, c]);
    return x;
  });
}

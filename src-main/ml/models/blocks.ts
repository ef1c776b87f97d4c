/** Shared building blocks: activation choice, conv+BN+activation, dense stacks and the two heads. */
import * as tf from '@tensorflow/tfjs';
import { Tafmn } from '../layers/tafmn.ts';
import { scaledWidth, type ActivationConfig, type ModelConfig } from './config.ts';

export type Sym = tf.SymbolicTensor;

/** Name of the final classification layer in every model (the SVM penalty looks it up by this name). */
export const HEAD_LAYER_NAME = 'head';

export function apply(layer: tf.layers.Layer, x: Sym): Sym {
  return layer.apply(x) as Sym;
}

/** The configured activation ('relu' or a TAFMN layer) as a layer called `name`. */
export function activation(cfg: ActivationConfig, name: string): tf.layers.Layer {
  if (cfg.kind === 'relu') return tf.layers.reLU({ name });
  return new Tafmn({ name, m: cfg.m, k: cfg.k, secondLayer: cfg.secondLayer ?? null });
}

export interface ConvOptions {
  filters: number;
  kernel: number;
  strides?: number;
  /** Conv bias; off when a batch norm follows and the baseline does not traditionally keep it. */
  useBias?: boolean;
  padding?: 'same' | 'valid';
}

/** conv -> batch norm -> activation, layers named `${name}`, `${name}_bn`, `${name}_act`. */
export function convBnAct(x: Sym, cfg: ModelConfig, name: string, opts: ConvOptions, withAct = true): Sym {
  let y = apply(
    tf.layers.conv2d({
      name,
      filters: opts.filters,
      kernelSize: opts.kernel,
      strides: opts.strides ?? 1,
      padding: opts.padding ?? 'same',
      useBias: opts.useBias ?? true,
      kernelInitializer: 'heNormal',
    }),
    x,
  );
  y = apply(tf.layers.batchNormalization({ name: `${name}_bn` }), y);
  return withAct ? apply(activation(cfg.activation, `${name}_act`), y) : y;
}

/** Fully connected layer + activation + dropout (dropout skipped when the rate is 0). */
export function denseAct(x: Sym, cfg: ModelConfig, name: string, units: number): Sym {
  let y = apply(tf.layers.dense({ name, units, kernelInitializer: 'heNormal' }), x);
  y = apply(activation(cfg.activation, `${name}_act`), y);
  if (cfg.dropout > 0) y = apply(tf.layers.dropout({ name: `${name}_dropout`, rate: cfg.dropout }), y);
  return y;
}

/**
 * The classifier: softmax gives probabilities; svm gives raw one-vs-rest scores (a linear layer, trained
 * with svmLoss from svm.ts; turn scores into a probability-like vector with scoresToProbabilities).
 */
export function classifierHead(x: Sym, cfg: ModelConfig): Sym {
  return apply(
    tf.layers.dense({
      name: HEAD_LAYER_NAME,
      units: cfg.classes,
      activation: cfg.head === 'softmax' ? 'softmax' : 'linear',
      kernelInitializer: 'glorotUniform',
    }),
    x,
  );
}

export function width(cfg: ModelConfig, base: number): number {
  return scaledWidth(base, cfg.widthMultiplier);
}

export function imageInput(cfg: ModelConfig): Sym {
  return tf.input({ shape: [cfg.inputSize, cfg.inputSize, cfg.channels], name: 'image' });
}

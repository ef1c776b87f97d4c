/**
 * Per-layer summary of a built model: output shape, parameters and multiply-adds (MACs) per sample.
 *
 * MACs counted: convolutions (outH*outW*kh*kw*cin*cout), dense (in*out per position), LSTM
 * (4*(in+units)*units per step), batch norm at inference (one per element: scale and shift fold into one
 * multiply-add), TAFMN (per element: m*k for the first maxout layer, m2*k2*m for the second, plus one per
 * output unit). Max/average pooling, additions and ReLU are comparisons or additions and count 0.
 * Layers between FoldTime and UnfoldTime run once per frame, so they count T times per sample.
 */
import * as tf from '@tensorflow/tfjs';
import { Tafmn } from '../layers/tafmn.ts';
import { FoldTime, UnfoldTime } from '../layers/time-fold.ts';

export interface LayerSummary {
  name: string;
  className: string;
  outputShape: (number | null)[];
  params: number;
  /** Multiply-adds per sample (per image, or per T-frame sequence for DCNNBEA). */
  macs: number;
}

export interface ModelSummary {
  name: string;
  inputShape: (number | null)[];
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  totalMacs: number;
}

function product(values: readonly (number | null)[]): number {
  return values.reduce<number>((a, b) => a * (b ?? 1), 1);
}

function firstShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
}

function inputShapeOf(layer: tf.layers.Layer): tf.Shape {
  const inbound = layer.inboundNodes[0];
  const shapes = inbound?.inputShapes;
  if (!shapes) return [];
  return firstShape(shapes as tf.Shape | tf.Shape[]);
}

function layerMacs(layer: tf.layers.Layer, outShape: tf.Shape, inShape: tf.Shape): number {
  const cfg = layer.getConfig();
  const cls = layer.getClassName();
  const outElems = product(outShape.slice(1));
  const cin = (inShape[inShape.length - 1] ?? 0) as number;
  switch (cls) {
    case 'Conv2D': {
      const k = cfg.kernelSize as number[] | number;
      const [kh, kw] = Array.isArray(k) ? [k[0] ?? 1, k[1] ?? 1] : [k, k];
      return outElems * kh * kw * cin;
    }
    case 'Dense':
      return outElems * cin;
    case 'LSTM': {
      const steps = (inShape[1] ?? 1) as number;
      const units = cfg.units as number;
      return steps * 4 * (cin + units) * units;
    }
    case 'BatchNormalization':
      return outElems;
    case 'Tafmn': {
      const t = layer as Tafmn;
      const second = t.secondLayer ? t.secondLayer.m * t.secondLayer.k * t.m : 0;
      const units = t.secondLayer ? t.secondLayer.m : t.m;
      return outElems * (t.m * t.k + second + units);
    }
    default:
      return 0;
  }
}

export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const layers: LayerSummary[] = [];
  let perFrame = 1;
  const input = model.inputs[0];
  const steps = input && input.shape.length === 5 ? (input.shape[1] as number) : 1;
  for (const layer of model.layers) {
    if (layer instanceof UnfoldTime) perFrame = 1;
    const outShape = firstShape(layer.outputShape as tf.Shape | tf.Shape[]);
    const macs = layer.getClassName() === 'InputLayer' ? 0 : layerMacs(layer, outShape, inputShapeOf(layer)) * perFrame;
    layers.push({ name: layer.name, className: layer.getClassName(), outputShape: outShape, params: layer.countParams(), macs });
    if (layer instanceof FoldTime) perFrame = steps;
  }
  const trainableParams = model.trainableWeights.reduce((s, w) => s + product(w.shape), 0);
  return {
    name: model.name,
    inputShape: input ? input.shape : [],
    layers,
    totalParams: model.countParams(),
    trainableParams,
    totalMacs: layers.reduce((s, l) => s + l.macs, 0),
  };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function shapeText(shape: (number | null)[]): string {
  return `[${shape.map((d) => (d == null ? 'B' : String(d))).join(',')}]`;
}

/** A plain-text table for the terminal. */
export function formatSummary(s: ModelSummary): string {
  const rows = s.layers.map((l) => [l.name, l.className, shapeText(l.outputShape), fmt(l.params), fmt(l.macs)]);
  const header = ['layer', 'type', 'output shape', 'params', 'MACs/sample'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i >= 3 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ');
  const out = [`model ${s.name}, input ${shapeText(s.inputShape)}`, line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows) out.push(line(r));
  out.push(
    '',
    `total params:      ${fmt(s.totalParams)}`,
    `trainable params:  ${fmt(s.trainableParams)}`,
    `non-trainable:     ${fmt(s.totalParams - s.trainableParams)}`,
    `MACs per sample:   ${fmt(s.totalMacs)} (${(s.totalMacs / 1e9).toFixed(3)} G)`,
  );
  return out.join('\n');
}

/**
 * Optional initialisation of convolution blocks from a user-supplied tfjs layers model folder
 * (model.json + weights, e.g. Keras' ImageNet VGG16 converted with tensorflowjs_converter). Nothing is
 * downloaded. Weights match by layer name and weight name (`block1_conv1/kernel`) and must have the
 * same shape; one adaptation is made: a first-layer kernel with 3 input channels is summed over them
 * to fit a 1-channel (grayscale) model, the usual way to reuse RGB filters on gray images.
 */
import * as tf from '@tensorflow/tfjs';
import { readModelArtifacts } from './model-io.ts';

export interface WeightMatch {
  layer: string;
  weight: string;
  shape: number[];
  /** 'copied' (same shape) or 'rgb-summed' (3 input channels summed to 1). */
  how: 'copied' | 'rgb-summed';
}

export interface PretrainedReport {
  source: string;
  matched: WeightMatch[];
  /** Model weights left as initialised, with the reason. */
  skipped: { layer: string; weight: string; reason: string }[];
  /** Source weights no model weight used. */
  unused: string[];
}

export interface PretrainedOptions {
  /** Only layers whose name matches (default: convolutions and their batch norms, /conv/). */
  layerFilter?: RegExp;
}

/** Strips tfjs' uniquifying suffixes: 'block1_conv1_3/kernel' style names are not produced, but 'kernel_1' can be. */
function weightKey(layerName: string, variableName: string): string {
  const short = variableName.split('/').pop() ?? variableName;
  return `${layerName}/${short.replace(/_\d+$/, '')}`;
}

export function initFromPretrained(model: tf.LayersModel, dir: string, opts: PretrainedOptions = {}): PretrainedReport {
  const artifacts = readModelArtifacts(dir);
  const filter = opts.layerFilter ?? /conv/;
  const source = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), artifacts.weightSpecs ?? []);
  const used = new Set<string>();
  const report: PretrainedReport = { source: dir, matched: [], skipped: [], unused: [] };
  try {
    for (const layer of model.layers) {
      if (!filter.test(layer.name) || layer.weights.length === 0) continue;
      // getWeights() returns the live variables themselves: never dispose these.
      const current = layer.getWeights();
      const next: tf.Tensor[] = [];
      const created: tf.Tensor[] = [];
      let changed = false;
      layer.weights.forEach((w, i) => {
        const key = weightKey(layer.name, w.originalName ?? w.name);
        const mine = current[i] as tf.Tensor;
        const theirs = source[key];
        if (!theirs) {
          report.skipped.push({ layer: layer.name, weight: key, reason: 'not in the source model' });
          next.push(mine);
          return;
        }
        used.add(key);
        const a = mine.shape;
        const b = theirs.shape;
        if (a.length === b.length && a.every((d, j) => d === b[j])) {
          next.push(theirs);
          report.matched.push({ layer: layer.name, weight: key, shape: [...a], how: 'copied' });
          changed = true;
        } else if (a.length === 4 && b.length === 4 && a[2] === 1 && b[2] === 3 && a[0] === b[0] && a[1] === b[1] && a[3] === b[3]) {
          const summed = tf.sum(theirs, 2, true);
          created.push(summed);
          next.push(summed);
          report.matched.push({ layer: layer.name, weight: key, shape: [...a], how: 'rgb-summed' });
          changed = true;
        } else {
          report.skipped.push({ layer: layer.name, weight: key, reason: `shape [${b.join(',')}] in source vs [${a.join(',')}] here` });
          next.push(mine);
        }
      });
      // setWeights assigns into the variables, which keep their own reference to the data.
      if (changed) layer.setWeights(next);
      tf.dispose(created);
    }
    report.unused = Object.keys(source).filter((k) => !used.has(k));
  } finally {
    tf.dispose(Object.values(source));
  }
  return report;
}

export function formatPretrainedReport(r: PretrainedReport): string {
  const lines = [`pretrained weights from ${r.source}: ${r.matched.length} matched, ${r.skipped.length} skipped, ${r.unused.length} unused`];
  for (const m of r.matched) lines.push(`  matched ${m.weight} [${m.shape.join(',')}]${m.how === 'rgb-summed' ? ' (RGB kernel summed to gray)' : ''}`);
  for (const s of r.skipped) lines.push(`  skipped ${s.weight}: ${s.reason}`);
  return lines.join('\n');
}

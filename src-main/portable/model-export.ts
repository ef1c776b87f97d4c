/**
 * `fer-lab export-model`: a run's trained network in the TensorFlow.js layers format (model.json +
 * one weights shard), usable outside FER Lab with tf.loadLayersModel in the browser or Node.
 * Next to it: fer-lab-model.json (classes, input shape, normalisation, head, frames) and a README that
 * documents the preprocessing and the custom layers (Tafmn, FoldTime, UnfoldTime) a loader must register.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildModel, modelInputShape, parseModelConfig } from '../ml/models/registry.ts';
import { CUSTOM_LAYER_CLASSES } from '../ml/layers/index.ts';
import { checkpointDir, readLoopState, restoreWeights } from '../ml/train/checkpoint.ts';
import { parseTrainConfig } from '../ml/train-config.ts';
import type { CheckpointKind, RunStore } from '../store/run-store.ts';
import { appVersion } from './environment.ts';

export const WEIGHTS_FILE = 'group1-shard1of1.bin';

export interface ModelExportMeta {
  format: 'fer-lab-model';
  version: 1;
  runId: number;
  model: string;
  checkpoint: CheckpointKind;
  epoch: number;
  classNames: string[];
  /** Without the batch axis: [H, W, C] or, for DCNNBEA with T > 1, [T, H, W, C]. */
  inputShape: number[];
  /** Pixels are first scaled to 0..1; 'standardize' then subtracts mean and divides by std. */
  normalization: { kind: 'scale' | 'standardize'; mean: number; std: number };
  /** 'softmax' outputs probabilities; 'svm' outputs one-vs-rest scores (argmax is the class). */
  head: 'softmax' | 'svm';
  frames: { count: number; views: string } | null;
  customLayers: string[];
  exportedBy: string;
}

export class ModelExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelExportError';
  }
}

/** Class names of a run: its dataset's, else those its evaluations report, else numbered. */
function classNamesOf(store: RunStore, runId: number, classes: number): string[] {
  const run = store.requireRun(runId);
  const fromDataset = run.datasetFingerprint ? store.getDataset(run.datasetFingerprint)?.classNames : undefined;
  if (fromDataset && fromDataset.length === classes) return fromDataset;
  const fromEval = store.listEvaluations(runId)[0]?.report.classNames;
  if (fromEval && fromEval.length === classes) return fromEval;
  return Array.from({ length: classes }, (_, i) => `class_${i}`);
}

function usedCustomLayers(topology: unknown): string[] {
  const names = new Set<string>(CUSTOM_LAYER_CLASSES.map((c) => c.className));
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.class_name === 'string' && names.has(o.class_name)) found.add(o.class_name);
      Object.values(o).forEach(walk);
    }
  };
  walk(topology);
  return [...found].sort();
}

/** Writes model.json, the weights shard, fer-lab-model.json and README.md into `outDir` (new or empty). */
export async function exportModel(store: RunStore, runId: number, outDir: string, checkpoint: CheckpointKind = 'best'): Promise<{ dir: string; meta: ModelExportMeta }> {
  const dir = resolve(outDir);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new ModelExportError(`${dir} is not empty; choose a new folder (nothing was overwritten)`);
  store.requireRun(runId);
  const ckpt = checkpointDir(store.runDir(runId), checkpoint);
  if (!ckpt) throw new ModelExportError(`run ${runId} has no '${checkpoint}' checkpoint in ${store.runDir(runId)}`);
  const config = parseTrainConfig(store.getRunConfig(runId), `stored config of run ${runId}`);
  const modelCfg = parseModelConfig({ ...config.modelConfig });
  const state = readLoopState(ckpt);

  const model = buildModel(config.model, modelCfg);
  let artifacts: tf.io.ModelArtifacts | null = null;
  try {
    restoreWeights(ckpt, model);
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  } finally {
    model.dispose();
  }
  const saved = artifacts as tf.io.ModelArtifacts | null;
  if (!saved?.weightData || !saved.weightSpecs) throw new ModelExportError(`saving run ${runId}'s model produced no weights`);

  const meta: ModelExportMeta = {
    format: 'fer-lab-model',
    version: 1,
    runId,
    model: config.model,
    checkpoint,
    epoch: state.epoch,
    classNames: classNamesOf(store, runId, modelCfg.classes),
    inputShape: modelInputShape(config.model, modelCfg),
    normalization: state.normalization,
    head: modelCfg.head,
    frames: config.model === 'dcnnbea' && modelCfg.seqLength > 1 ? { count: modelCfg.seqLength, views: modelCfg.frameViews } : null,
    customLayers: usedCustomLayers(saved.modelTopology),
    exportedBy: `FER Lab ${appVersion()} (tfjs ${tf.version.tfjs})`,
  };
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: meta.exportedBy,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: saved.weightSpecs }],
    userDefinedMetadata: { ferLab: meta },
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, WEIGHTS_FILE), new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData)));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(dir, 'fer-lab-model.json'), `${JSON.stringify(meta, null, 2)}\n`);
  writeFileSync(join(dir, 'README.md'), exportReadme(meta));
  return { dir, meta };
}

/** Loads an exported folder with plain tfjs (the custom layers must be registered first). */
export async function loadExportedModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const data = readFileSync(join(dir, WEIGHTS_FILE));
  const weights = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: weights }));
}

const LAYER_DOCS: Record<string, string> = {
  Tafmn: [
    '### `Tafmn` (trainable activation function by a maxout network)',
    '',
    'Elementwise, per channel c (last axis), weights shared over all other positions. Config: `m` (maxout units),',
    '`k` (pieces per unit), `secondLayer` (`null` or `{m, k}`). Weights, in order: `a` [m, k, C], `b` [m, k, C],',
    'then with a second layer `a2` [m2, k2, m, C] and `b2` [m2, k2, C], then `w` [units, C] and `d` [C]:',
    '',
    '    h_cj(x) = max_p (a[j,p,c] * x + b[j,p,c])                       j < m, p < k',
    '    g_cl    = max_q (sum_j a2[l,q,j,c] * h_cj + b2[l,q,c])          (second layer only)',
    '    f_c(x)  = sum_u w[u,c] * z_cu + d[c]                             z = h, or g with a second layer',
    '',
    'Output shape = input shape. Combine pieces with elementwise maximum.',
  ].join('\n'),
  FoldTime: [
    '### `FoldTime`',
    '',
    'Reshapes `[batch, T, ...frame]` to `[batch*T, ...frame]` so ordinary layers process every frame. No weights, no config.',
  ].join('\n'),
  UnfoldTime: [
    '### `UnfoldTime`',
    '',
    'Reshapes `[batch*T, ...features]` back to `[batch, T, ...features]`. Config: `steps` (T). No weights.',
  ].join('\n'),
};

export function exportReadme(meta: ModelExportMeta): string {
  const pre =
    meta.normalization.kind === 'standardize'
      ? `scale pixels to 0..1, then subtract ${meta.normalization.mean} and divide by ${meta.normalization.std}`
      : 'scale pixels to 0..1 (divide 8-bit values by 255)';
  const layers = meta.customLayers.length
    ? `This model uses custom layers that must be registered before loading: ${meta.customLayers.map((l) => `\`${l}\``).join(', ')}.\n` +
      'Inside FER Lab, importing `src-main/ml/layers/index.ts` registers them. Elsewhere, implement each as a\n' +
      '`tf.layers.Layer` subclass with the `className` below and call `tf.serialization.registerClass` on it.\n\n' +
      meta.customLayers.map((l) => LAYER_DOCS[l] ?? `### \`${l}\``).join('\n\n')
    : 'This model uses only built-in tfjs layers; no registration is needed.';
  return `# ${meta.model} from FER Lab run ${meta.runId}

TensorFlow.js layers model (${meta.checkpoint} checkpoint, epoch ${meta.epoch}), exported by ${meta.exportedBy}.

Files: \`model.json\` (topology + weights manifest), \`${WEIGHTS_FILE}\` (weights), \`fer-lab-model.json\`
(the facts below as JSON; also in model.json under \`userDefinedMetadata.ferLab\`).

## Using it

\`\`\`js
import * as tf from '@tensorflow/tfjs';            // or @tensorflow/tfjs-node for file:// URLs
${meta.customLayers.length ? '// register the custom layers first (see below), then:\n' : ''}const model = await tf.loadLayersModel('https://example.org/model/model.json');
const scores = model.predict(input);               // input shape [batch, ${meta.inputShape.join(', ')}]
\`\`\`

- Input: grayscale face crops of ${meta.inputShape.slice(-3, -1).join('x')} pixels, ${meta.inputShape.at(-1)} channel(s): ${pre}.
${meta.frames ? `- Frames: the model takes T=${meta.frames.count} views of each image, axis 1 (mode \`${meta.frames.views}\`: identity, mirror, centre crop covering 87.5% of each side resized back, its mirror, then corner crops and their mirrors).\n` : ''}- Output: ${meta.head === 'softmax' ? 'class probabilities (softmax)' : 'one-vs-rest SVM scores; the predicted class is the argmax (apply a softmax for probability-like values)'}.
- Classes, in output order: ${meta.classNames.map((c, i) => `${i} = ${c}`).join(', ')}.

## Custom layers

${layers}
`;
}

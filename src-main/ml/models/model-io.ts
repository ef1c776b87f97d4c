/**
 * Saving and loading tfjs layers models as a folder (model.json + weights.bin, the tfjs file format)
 * under plain Node, without tfjs-node. Loading registers the custom layers first.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ensureLayersRegistered } from '../layers/index.ts';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

function toArrayBuffer(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (!data) return new ArrayBuffer(0);
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.partial`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export interface SaveOptions {
  /** Replace an existing model.json in the folder (default false: refuse, so nothing is lost). */
  overwrite?: boolean;
}

/** Saves `model` into `dir` as model.json + weights.bin. */
export async function saveModelToDir(model: tf.LayersModel, dir: string, opts: SaveOptions = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, MODEL_JSON);
  if (!opts.overwrite && existsSync(jsonPath)) {
    throw new Error(`${jsonPath} already exists; refusing to overwrite it`);
  }
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = toArrayBuffer(artifacts.weightData);
      writeAtomic(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      writeAtomic(jsonPath, JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** Reads model.json and every weight shard it lists; errors name the file at fault. */
export function readModelArtifacts(dir: string): tf.io.ModelArtifacts {
  const jsonPath = join(dir, MODEL_JSON);
  if (!existsSync(jsonPath)) throw new Error(`${jsonPath} not found (expected a tfjs layers model folder)`);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (err) {
    throw new Error(`${jsonPath}: not valid JSON (${(err as Error).message})`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology) {
    throw new Error(`${jsonPath}: field "modelTopology" is missing`);
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw new Error(`${jsonPath}: field "weightsManifest" must be an array`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  json.weightsManifest.forEach((group, g) => {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new Error(`${jsonPath}: field "weightsManifest.${g}" needs "paths" and "weights" arrays`);
    }
    specs.push(...group.weights);
    for (const p of group.paths) {
      const shard = join(dir, p);
      if (!existsSync(shard)) throw new Error(`${shard}: weight shard listed in ${jsonPath} is missing`);
      const bytes = readFileSync(shard);
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  });
  const weightData = tf.io.concatenateArrayBuffers(buffers);
  const expected = specs.reduce((sum, s) => {
    const bytesPer = s.dtype === 'float32' || s.dtype === 'int32' ? 4 : s.dtype === 'bool' ? 1 : 4;
    return sum + (s.quantization ? 0 : s.shape.reduce((a, b) => a * b, 1) * bytesPer);
  }, 0);
  if (!specs.some((s) => s.quantization) && expected !== weightData.byteLength) {
    throw new Error(`${dir}: weight shards hold ${weightData.byteLength} bytes but ${jsonPath} describes ${expected}`);
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs: specs,
    weightData,
  };
}

/** Loads a model saved by saveModelToDir (or any tfjs layers model folder). */
export async function loadModelFromDir(dir: string): Promise<tf.LayersModel> {
  ensureLayersRegistered();
  return tf.loadLayersModel(tf.io.fromMemory(readModelArtifacts(dir)));
}
